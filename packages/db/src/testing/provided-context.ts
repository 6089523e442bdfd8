// What the servers' globalSetups hand to the test workers: null, or why the server is unreachable.
declare module 'vitest' {
  export interface ProvidedContext {
    postgresUnavailable: string | null;
    mariadbUnavailable: string | null;
    /** Why no primary and streaming replica can be built here (replica-setup.ts). */
    replicaUnavailable: string | null;
  }
}

export {};
