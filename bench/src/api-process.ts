// Child process: the real API (production mode, quiet logs) on DATABASE_URL; reports its URL over IPC.
import { startApi } from '@shop/api/start';

const api = await startApi({ migrate: false });
process.send?.({ url: api.url });
process.on('SIGTERM', () => {
  void api.stop().then(() => process.exit(0));
});
