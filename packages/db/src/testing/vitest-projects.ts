// The same test files run once per dialect: one vitest project each for SQLite, PostgreSQL and MariaDB. The
// replica tests, PostgreSQL-only and building their own primary and replica, run once, in a "replica" project.
import { fileURLToPath } from 'node:url';
import { configDefaults, type TestProjectInlineConfiguration } from 'vitest/config';

const postgresSetup = fileURLToPath(new URL('./postgres-setup.ts', import.meta.url));
const mariadbSetup = fileURLToPath(new URL('./mariadb-setup.ts', import.meta.url));
const replicaSetup = fileURLToPath(new URL('./replica-setup.ts', import.meta.url));

export function dialectProjects(
  include: string[],
  unitInclude: string[] = [],
  replicaInclude: string[] = [],
): TestProjectInlineConfiguration[] {
  const exclude = [...configDefaults.exclude, ...replicaInclude];
  const projects: TestProjectInlineConfiguration[] = [
    { extends: true, test: { name: 'sqlite', include, exclude, env: { TEST_DIALECT: 'sqlite' } } },
    {
      extends: true,
      test: { name: 'postgresql', include, exclude, env: { TEST_DIALECT: 'postgresql' }, globalSetup: [postgresSetup] },
    },
  ];
  projects.push({
    extends: true,
    test: { name: 'mariadb', include, exclude, env: { TEST_DIALECT: 'mariadb' }, globalSetup: [mariadbSetup] },
  });
  if (unitInclude.length) projects.unshift({ extends: true, test: { name: 'unit', include: unitInclude } });
  if (replicaInclude.length) {
    projects.push({
      extends: true,
      test: {
        name: 'replica',
        include: replicaInclude,
        env: { TEST_DIALECT: 'postgresql' },
        globalSetup: [replicaSetup],
      },
    });
  }
  return projects;
}
