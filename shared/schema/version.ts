/**
 * The version of the board document's layout (see docs/document-layout.md).
 * Raise it with a migration in shared/document/migrations.ts and a frozen fixture
 * of the released version in tests/fixtures/.
 */
export const CURRENT_SCHEMA_VERSION = 8;
