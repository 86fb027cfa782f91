/* db_schema.h - the migration list (db_schema.c). */
#ifndef HD_DB_SCHEMA_H
#define HD_DB_SCHEMA_H
extern const char *const db_migrations[];   /* NULL-terminated; index 0 = version 1 */
#endif
