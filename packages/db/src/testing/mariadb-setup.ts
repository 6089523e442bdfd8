// vitest globalSetup of the "mariadb" projects (see server-setup.ts).
import type { TestProject } from 'vitest/node';
import { mariadbAdminUrl, mariadbReachable } from './database.ts';
import { requireServer } from './server-setup.ts';

export default (project: TestProject) =>
  requireServer(project, {
    name: 'MariaDB',
    url: mariadbAdminUrl(),
    reachable: mariadbReachable,
    key: 'mariadbUnavailable',
  });
