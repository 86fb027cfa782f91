/* db_schema.c - numbered schema migrations, applied in order at start-up.
 *
 * Migration N is db_migrations[N-1]; the applied version is kept in
 * schema_version(version).  Never edit a migration that has shipped: add a
 * new one.  The SQL here is portable (SQLite and PostgreSQL) except where a
 * comment says otherwise; times are unix seconds (INTEGER).
 * is_sample = 1 marks invented demo content, removed by `hoidong demo --remove`. */
#include <stddef.h>
#include "db_schema.h"

const char *const db_migrations[] = {
/* 1: portal foundation */
"CREATE TABLE settings (\n"
"  key TEXT PRIMARY KEY,\n"
"  value TEXT NOT NULL\n"
");\n"
/* Councils and administrative units are versioned by date: a unit's code
 * is reused across reforms, so (code, valid_from) identifies it. */
"CREATE TABLE councils (\n"
"  id INTEGER PRIMARY KEY,\n"
"  unit_code TEXT NOT NULL,\n"
"  name TEXT NOT NULL,\n"
"  level TEXT NOT NULL CHECK (level IN ('province','district','commune')),\n"
"  parent_id INTEGER REFERENCES councils(id),\n"
"  valid_from INTEGER NOT NULL,\n"
"  valid_to INTEGER,\n"
"  UNIQUE (unit_code, valid_from)\n"
");\n"
"CREATE TABLE users (\n"
"  id INTEGER PRIMARY KEY,\n"
"  username TEXT NOT NULL UNIQUE,\n"
"  display_name TEXT NOT NULL,\n"
"  password_hash TEXT NOT NULL,\n"
"  role TEXT NOT NULL CHECK (role IN ('admin','editor','moderator')),\n"
"  disabled INTEGER NOT NULL DEFAULT 0,\n"
"  created_at INTEGER NOT NULL,\n"
"  last_login_at INTEGER,\n"
"  is_sample INTEGER NOT NULL DEFAULT 0\n"
");\n"
"CREATE TABLE sessions (\n"
"  token_hash TEXT PRIMARY KEY,\n"
"  user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,\n"
"  csrf TEXT NOT NULL,\n"
"  created_at INTEGER NOT NULL,\n"
"  last_seen_at INTEGER NOT NULL\n"
");\n"
"CREATE INDEX sessions_user ON sessions(user_id);\n"
/* Sign-in failures per folded user name; throttles guessing without
 * locking the owner out (delay grows, never a permanent lock). */
"CREATE TABLE login_failures (\n"
"  username TEXT PRIMARY KEY,\n"
"  failures INTEGER NOT NULL,\n"
"  last_failure_at INTEGER NOT NULL\n"
");\n"
"CREATE TABLE categories (\n"
"  id INTEGER PRIMARY KEY,\n"
"  parent_id INTEGER REFERENCES categories(id),\n"
"  name TEXT NOT NULL,\n"
"  slug TEXT NOT NULL UNIQUE,\n"
"  description TEXT NOT NULL DEFAULT '',\n"
"  position INTEGER NOT NULL DEFAULT 0,\n"
"  in_menu INTEGER NOT NULL DEFAULT 1,\n"
"  is_sample INTEGER NOT NULL DEFAULT 0\n"
");\n"
/* Content-addressed file store: bytes live outside the web root at
 * files/<sha256[0:2]>/<sha256>. */
"CREATE TABLE files (\n"
"  id INTEGER PRIMARY KEY,\n"
"  sha256 TEXT NOT NULL UNIQUE,\n"
"  size INTEGER NOT NULL,\n"
"  mime TEXT NOT NULL,\n"
"  created_at INTEGER NOT NULL\n"
");\n"
"CREATE TABLE articles (\n"
"  id INTEGER PRIMARY KEY,\n"
"  category_id INTEGER NOT NULL REFERENCES categories(id),\n"
"  title TEXT NOT NULL,\n"
"  slug TEXT NOT NULL UNIQUE,\n"
"  summary TEXT NOT NULL DEFAULT '',\n"
"  body TEXT NOT NULL DEFAULT '',\n"        /* Markdown */
"  author TEXT NOT NULL DEFAULT '',\n"      /* byline as printed */
"  cover_file_id INTEGER REFERENCES files(id),\n"
"  status TEXT NOT NULL CHECK (status IN ('draft','scheduled','published','archived')),\n"
"  published_at INTEGER,\n"                 /* for scheduled: when it goes live */
"  featured INTEGER NOT NULL DEFAULT 0,\n"
"  created_at INTEGER NOT NULL,\n"
"  updated_at INTEGER NOT NULL,\n"
"  created_by INTEGER REFERENCES users(id),\n"
"  revision INTEGER NOT NULL DEFAULT 1,\n"
"  is_sample INTEGER NOT NULL DEFAULT 0\n"
");\n"
"CREATE INDEX articles_cat_pub ON articles(category_id, status, published_at);\n"
"CREATE INDEX articles_pub ON articles(status, published_at);\n"
"CREATE TABLE article_revisions (\n"
"  id INTEGER PRIMARY KEY,\n"
"  article_id INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE,\n"
"  revision INTEGER NOT NULL,\n"
"  title TEXT NOT NULL,\n"
"  summary TEXT NOT NULL,\n"
"  body TEXT NOT NULL,\n"
"  author TEXT NOT NULL,\n"
"  status TEXT NOT NULL,\n"
"  edited_by INTEGER REFERENCES users(id),\n"
"  edited_at INTEGER NOT NULL,\n"
"  UNIQUE (article_id, revision)\n"
");\n"
/* Attachments ("file đính kèm"); doc_number/issued_at make an attachment a
 * listed document (Văn bản) such as 15-ĐA/TU. */
"CREATE TABLE attachments (\n"
"  id INTEGER PRIMARY KEY,\n"
"  article_id INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE,\n"
"  file_id INTEGER NOT NULL REFERENCES files(id),\n"
"  filename TEXT NOT NULL,\n"
"  title TEXT NOT NULL DEFAULT '',\n"
"  doc_number TEXT NOT NULL DEFAULT '',\n"
"  issued_at INTEGER,\n"
"  position INTEGER NOT NULL DEFAULT 0,\n"
"  created_at INTEGER NOT NULL\n"
");\n"
"CREATE INDEX attachments_article ON attachments(article_id, position);\n"
"CREATE TABLE audit_log (\n"
"  id INTEGER PRIMARY KEY,\n"
"  at INTEGER NOT NULL,\n"
"  user_id INTEGER REFERENCES users(id),\n"
"  username TEXT NOT NULL,\n"
"  action TEXT NOT NULL,\n"
"  object_type TEXT NOT NULL,\n"
"  object_id INTEGER,\n"
"  detail TEXT NOT NULL DEFAULT ''\n"
");\n"
"CREATE INDEX audit_at ON audit_log(at);\n",
/* 2: visit statistics (stats.c).  Aggregates only: no address, user agent
 * or visitor hash is ever stored.  No foreign key to articles: counts of a
 * deleted article must not make a whole flush fail. */
"CREATE TABLE stats_daily (\n"
"  day INTEGER PRIMARY KEY,\n"              /* local day yyyymmdd (UTC+7) */
"  views INTEGER NOT NULL DEFAULT 0,\n"
"  visitors INTEGER NOT NULL DEFAULT 0\n"
");\n"
"CREATE TABLE stats_article_daily (\n"
"  day INTEGER NOT NULL,\n"
"  article_id INTEGER NOT NULL,\n"
"  views INTEGER NOT NULL DEFAULT 0,\n"
"  PRIMARY KEY (day, article_id)\n"
");\n"
"CREATE INDEX stats_article_daily_article ON stats_article_daily(article_id, day);\n",
/* 3: ratings and comments (engage_rating.c, engage_comment.c).
 * A rating's visitor is a keyed hash (hex) of the anonymous visitor id,
 * never the cookie value itself; rating_totals keeps count and sum per
 * article, updated in the same transaction as the rating, so the article
 * page reads one row.  A comment's email is never shown or exported;
 * flags holds moderator hints ("links").  Replies by staff have parent_id
 * and is_staff = 1. */
"CREATE TABLE ratings (\n"
"  article_id INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE,\n"
"  visitor TEXT NOT NULL,\n"
"  stars INTEGER NOT NULL CHECK (stars BETWEEN 1 AND 5),\n"
"  created_at INTEGER NOT NULL,\n"
"  updated_at INTEGER NOT NULL,\n"
"  is_sample INTEGER NOT NULL DEFAULT 0,\n"
"  PRIMARY KEY (article_id, visitor)\n"
");\n"
"CREATE TABLE rating_totals (\n"
"  article_id INTEGER PRIMARY KEY REFERENCES articles(id) ON DELETE CASCADE,\n"
"  count INTEGER NOT NULL DEFAULT 0,\n"
"  sum INTEGER NOT NULL DEFAULT 0\n"
");\n"
"CREATE TABLE comments (\n"
"  id INTEGER PRIMARY KEY,\n"
"  article_id INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE,\n"
"  parent_id INTEGER REFERENCES comments(id) ON DELETE CASCADE,\n"
"  name TEXT NOT NULL,\n"
"  email TEXT NOT NULL DEFAULT '',\n"
"  body TEXT NOT NULL,\n"
"  status TEXT NOT NULL CHECK (status IN ('pending','approved','rejected','spam')),\n"
"  flags TEXT NOT NULL DEFAULT '',\n"
"  is_staff INTEGER NOT NULL DEFAULT 0,\n"
"  created_at INTEGER NOT NULL,\n"
"  moderated_by INTEGER REFERENCES users(id) ON DELETE SET NULL,\n"
"  moderated_at INTEGER,\n"
"  is_sample INTEGER NOT NULL DEFAULT 0\n"
");\n"
"CREATE INDEX comments_article ON comments(article_id, status, created_at);\n"
"CREATE INDEX comments_status ON comments(status, created_at);\n"
"CREATE INDEX comments_parent ON comments(parent_id);\n",
/* 4: polls and website links (engage_poll.c).  A poll's counts (votes per
 * option, voters per poll) are kept in the vote's own transaction, so they
 * are exact without counting rows.  poll_voters holds only a keyed hash of
 * the visitor cookie id and the poll (see engage_poll.h), never the choice
 * made: ballots stay secret and no voter is identifiable from the table. */
"CREATE TABLE polls (\n"
"  id INTEGER PRIMARY KEY,\n"
"  question TEXT NOT NULL,\n"
"  multiple INTEGER NOT NULL DEFAULT 0,\n"
"  opens_at INTEGER,\n"                    /* NULL: as soon as it is open */
"  closes_at INTEGER,\n"                   /* NULL: until closed by hand */
"  status TEXT NOT NULL CHECK (status IN ('draft','open','closed','archived')),\n"
"  voters INTEGER NOT NULL DEFAULT 0,\n"
"  created_at INTEGER NOT NULL,\n"
"  updated_at INTEGER NOT NULL,\n"
"  is_sample INTEGER NOT NULL DEFAULT 0\n"
");\n"
"CREATE INDEX polls_status ON polls(status, opens_at);\n"
"CREATE TABLE poll_options (\n"
"  id INTEGER PRIMARY KEY,\n"
"  poll_id INTEGER NOT NULL REFERENCES polls(id) ON DELETE CASCADE,\n"
"  label TEXT NOT NULL,\n"
"  position INTEGER NOT NULL DEFAULT 0,\n"
"  votes INTEGER NOT NULL DEFAULT 0\n"
");\n"
"CREATE INDEX poll_options_poll ON poll_options(poll_id, position);\n"
"CREATE TABLE poll_voters (\n"
"  poll_id INTEGER NOT NULL REFERENCES polls(id) ON DELETE CASCADE,\n"
"  visitor TEXT NOT NULL,\n"               /* hex keyed hash, see poll_voter_key */
"  PRIMARY KEY (poll_id, visitor)\n"
");\n"
"CREATE TABLE links (\n"
"  id INTEGER PRIMARY KEY,\n"
"  name TEXT NOT NULL,\n"
"  url TEXT NOT NULL,\n"
"  logo_file_id INTEGER REFERENCES files(id),\n"
"  position INTEGER NOT NULL DEFAULT 0,\n"
"  is_sample INTEGER NOT NULL DEFAULT 0\n"
");\n"
"CREATE INDEX links_position ON links(position, id);\n",
/* 5: intentionally empty: the search index is backend-specific and created by db_sqlite.c.  Kept so the numbering of later migrations stays fixed. */
"SELECT 1;\n",
/* 6: indexes found by bench/run.sh (issue 4).  The home page's featured
 * list scanned every article row (150 ms with 10 000 articles); this
 * partial index holds only the few featured ones.  Portable: PostgreSQL
 * and SQLite both have partial indexes. */
"CREATE INDEX articles_featured ON articles(featured, published_at) WHERE featured >= 1;\n",
/* 7: the search's visibility and date check of each matching article
 * (db_sqlite.c sq_fts_search) reads these columns for thousands of hits;
 * from this narrow index instead of the article rows with their bodies it
 * is several times cheaper (bench/run.sh, docs/PERFORMANCE.md). */
"CREATE INDEX articles_visibility ON articles(id, status, published_at, created_at, category_id);\n",
/* 8: administrative units and their history, councils, terms, bodies,
 * positions, delegates, memberships and the dated changes (issue 8; see
 * docs/COUNCILS.md).  Dates are unix seconds of 00:00 Vietnam time, like
 * councils.valid_from in migration 1; every period is half-open
 * [from, to) and a NULL end means "still in force".  A unit is keyed by
 * (code, valid_from): codes are reused across the 2025 reform. */
"CREATE TABLE units (\n"
"  id INTEGER PRIMARY KEY,\n"
"  code TEXT NOT NULL,\n"
"  level TEXT NOT NULL CHECK (level IN ('province','district','commune')),\n"
"  kind TEXT NOT NULL,\n"
"  name TEXT NOT NULL,\n"
"  short_name TEXT NOT NULL,\n"
"  name_fold TEXT NOT NULL,\n"
"  slug TEXT NOT NULL,\n"
"  parent_id INTEGER REFERENCES units(id),\n"
"  valid_from INTEGER NOT NULL,\n"
"  valid_to INTEGER,\n"
"  UNIQUE (code, valid_from),\n"
"  CHECK (valid_to IS NULL OR valid_to > valid_from)\n"
");\n"
"CREATE INDEX units_parent ON units(parent_id, level, valid_from);\n"
"CREATE INDEX units_slug ON units(slug, valid_from);\n"
"CREATE INDEX units_level ON units(level, valid_from);\n"
"CREATE TABLE unit_successions (\n"
"  old_unit_id INTEGER NOT NULL REFERENCES units(id),\n"
"  new_unit_id INTEGER NOT NULL REFERENCES units(id),\n"
"  kind TEXT NOT NULL CHECK (kind IN ('full','partial')),\n"
"  resolution TEXT NOT NULL,\n"
"  decided_on INTEGER NOT NULL,\n"
"  effective_on INTEGER NOT NULL,\n"
"  PRIMARY KEY (old_unit_id, new_unit_id)\n"
");\n"
"CREATE INDEX unit_successions_new ON unit_successions(new_unit_id);\n"
/* The council of a unit for a period (the row staff scoping will name). */
"ALTER TABLE councils ADD COLUMN unit_id INTEGER REFERENCES units(id);\n"
"CREATE INDEX councils_unit ON councils(unit_id, valid_from);\n"
"CREATE TABLE council_terms (\n"
"  id INTEGER PRIMARY KEY,\n"
"  council_id INTEGER NOT NULL REFERENCES councils(id),\n"
"  number INTEGER,\n"
"  label TEXT NOT NULL,\n"
"  starts_on INTEGER NOT NULL,\n"
"  ends_on INTEGER,\n"
"  seats INTEGER NOT NULL DEFAULT 0,\n"
"  is_sample INTEGER NOT NULL DEFAULT 0,\n"
"  UNIQUE (council_id, starts_on),\n"
"  CHECK (ends_on IS NULL OR ends_on > starts_on)\n"
");\n"
"CREATE TABLE council_bodies (\n"
"  id INTEGER PRIMARY KEY,\n"
"  term_id INTEGER NOT NULL REFERENCES council_terms(id),\n"
"  kind TEXT NOT NULL CHECK (kind IN ('standing','committee','group','office')),\n"
"  name TEXT NOT NULL,\n"
"  field TEXT NOT NULL DEFAULT '',\n"
"  position INTEGER NOT NULL DEFAULT 0,\n"
"  valid_from INTEGER NOT NULL,\n"
"  valid_to INTEGER,\n"
"  is_sample INTEGER NOT NULL DEFAULT 0,\n"
"  UNIQUE (term_id, kind, name),\n"
"  CHECK (valid_to IS NULL OR valid_to > valid_from)\n"
");\n"
"CREATE INDEX council_bodies_term ON council_bodies(term_id, kind, position);\n"
/* The vocabulary of positions is data: body_kind says where a position
 * is held, rank orders it on pages, single = at most one holder at a time. */
"CREATE TABLE council_positions (\n"
"  id INTEGER PRIMARY KEY,\n"
"  code TEXT NOT NULL UNIQUE,\n"
"  name TEXT NOT NULL,\n"
"  body_kind TEXT NOT NULL CHECK (body_kind IN ('standing','committee','group','office')),\n"
"  rank INTEGER NOT NULL,\n"
"  single INTEGER NOT NULL DEFAULT 0\n"
");\n"
"INSERT INTO council_positions (code, name, body_kind, rank, single) VALUES\n"
"  ('chu-tich', 'Chủ tịch', 'standing', 10, 1),\n"
"  ('pho-chu-tich', 'Phó Chủ tịch', 'standing', 20, 0),\n"
"  ('uy-vien-thuong-truc', 'Ủy viên Thường trực', 'standing', 30, 0),\n"
"  ('truong-ban', 'Trưởng ban', 'committee', 10, 1),\n"
"  ('pho-truong-ban', 'Phó Trưởng ban', 'committee', 20, 0),\n"
"  ('uy-vien', 'Ủy viên', 'committee', 30, 0),\n"
"  ('to-truong', 'Tổ trưởng', 'group', 10, 1),\n"
"  ('to-pho', 'Tổ phó', 'group', 20, 0),\n"
"  ('thanh-vien-to', 'Thành viên', 'group', 30, 0),\n"
"  ('chanh-van-phong', 'Chánh Văn phòng', 'office', 10, 1),\n"
"  ('pho-chanh-van-phong', 'Phó Chánh Văn phòng', 'office', 20, 0);\n"
"CREATE TABLE council_constituencies (\n"
"  id INTEGER PRIMARY KEY,\n"
"  term_id INTEGER NOT NULL REFERENCES council_terms(id),\n"
"  number INTEGER NOT NULL,\n"
"  name TEXT NOT NULL,\n"
"  seats INTEGER NOT NULL DEFAULT 0,\n"
"  area TEXT NOT NULL DEFAULT '',\n"
"  is_sample INTEGER NOT NULL DEFAULT 0,\n"
"  UNIQUE (term_id, number)\n"
");\n"
"CREATE TABLE persons (\n"
"  id INTEGER PRIMARY KEY,\n"
"  full_name TEXT NOT NULL,\n"
"  name_fold TEXT NOT NULL,\n"
"  is_sample INTEGER NOT NULL DEFAULT 0\n"
");\n"
"CREATE TABLE delegates (\n"
"  id INTEGER PRIMARY KEY,\n"
"  term_id INTEGER NOT NULL REFERENCES council_terms(id),\n"
"  person_id INTEGER NOT NULL REFERENCES persons(id),\n"
"  constituency_id INTEGER REFERENCES council_constituencies(id),\n"
"  valid_from INTEGER NOT NULL,\n"
"  valid_to INTEGER,\n"
"  is_sample INTEGER NOT NULL DEFAULT 0,\n"
"  CHECK (valid_to IS NULL OR valid_to > valid_from)\n"
");\n"
"CREATE INDEX delegates_term ON delegates(term_id, valid_from);\n"
"CREATE INDEX delegates_person ON delegates(person_id);\n"
/* Full-time (chuyên trách) or part-time, dated: it can change mid-term. */
"CREATE TABLE delegate_modes (\n"
"  id INTEGER PRIMARY KEY,\n"
"  delegate_id INTEGER NOT NULL REFERENCES delegates(id),\n"
"  full_time INTEGER NOT NULL CHECK (full_time IN (0,1)),\n"
"  valid_from INTEGER NOT NULL,\n"
"  valid_to INTEGER,\n"
"  is_sample INTEGER NOT NULL DEFAULT 0\n"
");\n"
"CREATE INDEX delegate_modes_delegate ON delegate_modes(delegate_id, valid_from);\n"
"CREATE TABLE council_memberships (\n"
"  id INTEGER PRIMARY KEY,\n"
"  delegate_id INTEGER NOT NULL REFERENCES delegates(id),\n"
"  body_id INTEGER NOT NULL REFERENCES council_bodies(id),\n"
"  position_id INTEGER NOT NULL REFERENCES council_positions(id),\n"
"  valid_from INTEGER NOT NULL,\n"
"  valid_to INTEGER,\n"
"  is_sample INTEGER NOT NULL DEFAULT 0,\n"
"  CHECK (valid_to IS NULL OR valid_to > valid_from)\n"
");\n"
"CREATE INDEX council_memberships_body ON council_memberships(body_id, position_id, valid_from);\n"
"CREATE INDEX council_memberships_delegate ON council_memberships(delegate_id, valid_from);\n"
/* What happened to a delegate or a membership, when, and the deciding
 * document: elected, by_election, relieved (miễn nhiệm), recalled (bãi
 * nhiệm), resigned, designated (chỉ định), mode (full/part-time). */
"CREATE TABLE council_changes (\n"
"  id INTEGER PRIMARY KEY,\n"
"  delegate_id INTEGER NOT NULL REFERENCES delegates(id),\n"
"  membership_id INTEGER REFERENCES council_memberships(id),\n"
"  kind TEXT NOT NULL CHECK (kind IN ('elected','by_election','relieved','recalled','resigned','designated','mode','ended')),\n"
"  happened_on INTEGER NOT NULL,\n"
"  document TEXT NOT NULL DEFAULT '',\n"
"  note TEXT NOT NULL DEFAULT '',\n"
"  is_sample INTEGER NOT NULL DEFAULT 0\n"
");\n"
"CREATE INDEX council_changes_delegate ON council_changes(delegate_id, happened_on);\n",
/* 9: staff scoped to their council (issue 8 item 5; docs/COUNCILS.md).
 * users.council_id is the council whose office the account works for;
 * NULL = the portal owner's office (the top council), which sees and
 * edits every council.  The role gains 'reviewer' (reads its council and
 * every council below it, writes nothing).  The role's CHECK cannot be
 * altered in place on SQLite, so the column is replaced: add, copy, drop,
 * rename (SQLite >= 3.35 and PostgreSQL both accept these statements).
 * audit_log rows of council work name the council and its unit. */
"ALTER TABLE users ADD COLUMN role_v9 TEXT NOT NULL DEFAULT 'editor'"
" CHECK (role_v9 IN ('admin','editor','moderator','reviewer'));\n"
"UPDATE users SET role_v9 = role;\n"
"ALTER TABLE users DROP COLUMN role;\n"
"ALTER TABLE users RENAME COLUMN role_v9 TO role;\n"
"ALTER TABLE users ADD COLUMN council_id INTEGER REFERENCES councils(id);\n"
"ALTER TABLE audit_log ADD COLUMN council_id INTEGER;\n"
"ALTER TABLE audit_log ADD COLUMN unit_id INTEGER;\n"
"CREATE INDEX audit_council ON audit_log(council_id, at);\n",
/* 10: the import matches a row to a delegate by folded name (issue 8
 * item 6); without this index a 100,000-row file scans every delegate of
 * the term per row. */
"CREATE INDEX persons_name_fold ON persons(name_fold);\n",
NULL
};
