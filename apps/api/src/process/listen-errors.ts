// Why a server could not listen, read from the error's code. The API's port (start.ts) and the metrics port
// (metrics-server.ts) fail for the same reasons; each says them in its own variables' words.
export type ListenFailure = 'in-use' | 'privileged' | 'not-an-address';

export function listenFailure(error: NodeJS.ErrnoException): ListenFailure | undefined {
  if (error.code === 'EADDRINUSE') return 'in-use';
  if (error.code === 'EACCES') return 'privileged';
  if (error.code === 'EADDRNOTAVAIL' || error.code === 'ENOTFOUND' || error.code === 'EAI_AGAIN')
    return 'not-an-address';
  return undefined;
}
