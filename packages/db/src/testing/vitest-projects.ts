// The same test files run once per dialect: one vitest project each for SQLite, PostgreSQL and MariaDB.
import { fileURLToPath } from 'node:url';
import type { TestProjectInlineConfiguration } from 'vitest/config';

const postgresSetup = fileURLToPath(new URL('./postgres-setup.ts', import.meta.url));
const mariadbSetup = fileURLToPath(new URL('./mariadb-setup.ts', import.meta.url));

export function dialectProjects(include: string[], unitInclude: string[] = []): TestProjectInlineConfiguration[] {
  const projects: TestProjectInlineConfiguration[] = [
    { extends: true, test: { name: 'sqlite', include, env: { TEST_DIALECT: 'sqlite' } } },
    {
      extends: true,
      test: { name: 'postgresql', include, env: { TEST_DIALECT: 'postgresql' }, globalSetup: [postgresSetup] },
    },
  ];
  projects.push({
    extends: true,
    test: { name: 'mariadb', include, env: { TEST_DIALECT: 'mariadb' }, globalSetup: [mariadbSetup] },
  });
  if (unitInclude.length) projects.unshift({ extends: true, test: { name: 'unit', include: unitInclude } });
  return projects;
}
