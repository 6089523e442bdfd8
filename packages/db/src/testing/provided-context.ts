// What the servers' globalSetups hand to the test workers: null, or why the server is unreachable.
declare module 'vitest' {
  export interface ProvidedContext {
    postgresUnavailable: string | null;
    mariadbUnavailable: string | null;
  }
}

export {};
