// vitest globalSetup of the "postgresql" projects (see server-setup.ts).
import type { TestProject } from 'vitest/node';
import { postgresAdminUrl, postgresReachable } from './database.ts';
import { requireServer } from './server-setup.ts';

export default (project: TestProject) =>
  requireServer(project, {
    name: 'PostgreSQL',
    url: postgresAdminUrl(),
    reachable: postgresReachable,
    key: 'postgresUnavailable',
  });
