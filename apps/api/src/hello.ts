// Placeholder main job until the HTTP server lands: proves the workspace resolves and runs TS directly.
import { describeDatabaseUrl } from './banner.ts';

console.log(`shop-rpc api: would serve ${describeDatabaseUrl(process.env.DATABASE_URL ?? 'sqlite:///data/dev.db')}`);
