import GRDB

extension Store {
  /// The FTS5 tokenizer: Porter stemming over `unicode61` (case and diacritics folded), with `_`
  /// as a token character so that Python identifiers such as `__slots__` stay whole. Both FTS5
  /// tables also keep prefix indexes for 2- and 3-character prefixes (`prefix = '2 3'`), which
  /// make the typed-so-far last word cheap.
  static let tokenizer = "porter unicode61 remove_diacritics 2 tokenchars '_'"

  /// Bumped whenever the way documents are turned into index rows changes, so that an unchanged
  /// corpus is re-indexed by the new code. Part of the stored corpus hash.
  static let indexVersion = 4

  /// Passage rowids are `document id × passageStride + passage number`.
  static let passageStride: Int64 = 10_000

  /// The named, append-only migrations. Never edit a shipped migration; add a new one.
  static var migrator: DatabaseMigrator {
    var migrator = DatabaseMigrator()

    migrator.registerMigration("v1: meta") { db in
      try db.execute(sql: """
        CREATE TABLE meta (
          key   TEXT PRIMARY KEY NOT NULL,
          value TEXT NOT NULL
        );
        """)
    }

    // The corpus: one row per entry in its kind's table (lists as JSON text), one row per entry
    // in `documents` (what search results show), and one FTS5 row per document with the same
    // rowid. Everything here is rebuilt from the Markdown by `syncCorpus`.
    migrator.registerMigration("v1: corpus") { db in
      try db.execute(sql: """
        CREATE TABLE documents (
          id          INTEGER PRIMARY KEY,
          kind        TEXT NOT NULL CHECK (kind IN ('question', 'keyword', 'table')),
          slug        TEXT NOT NULL,
          question_id INTEGER,
          title       TEXT NOT NULL,
          UNIQUE (kind, slug)
        );
        CREATE TABLE document_topics (
          topic       TEXT NOT NULL,
          document_id INTEGER NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
          PRIMARY KEY (topic, document_id)
        ) WITHOUT ROWID;
        CREATE TABLE questions (
          id              INTEGER PRIMARY KEY,
          document_id     INTEGER NOT NULL UNIQUE REFERENCES documents(id) ON DELETE CASCADE,
          slug            TEXT NOT NULL UNIQUE,
          title           TEXT NOT NULL,
          title_html      TEXT NOT NULL,
          topics          TEXT NOT NULL DEFAULT '[]',
          keywords        TEXT NOT NULL DEFAULT '[]',
          related         TEXT NOT NULL DEFAULT '[]',
          experiments     TEXT NOT NULL DEFAULT '[]',
          answer_markdown TEXT NOT NULL,
          answer_html     TEXT NOT NULL,
          source_path     TEXT NOT NULL
        );
        CREATE TABLE keywords (
          slug          TEXT PRIMARY KEY NOT NULL,
          document_id   INTEGER NOT NULL UNIQUE REFERENCES documents(id) ON DELETE CASCADE,
          position      INTEGER NOT NULL,
          title         TEXT NOT NULL,
          title_html    TEXT NOT NULL,
          summary       TEXT NOT NULL,
          summary_html  TEXT NOT NULL,
          keywords      TEXT NOT NULL DEFAULT '[]',
          related       TEXT NOT NULL DEFAULT '[]',
          body_markdown TEXT NOT NULL,
          body_html     TEXT NOT NULL,
          source_path   TEXT NOT NULL
        );
        CREATE TABLE data_tables (
          slug          TEXT PRIMARY KEY NOT NULL,
          document_id   INTEGER NOT NULL UNIQUE REFERENCES documents(id) ON DELETE CASCADE,
          position      INTEGER NOT NULL,
          title         TEXT NOT NULL,
          title_html    TEXT NOT NULL,
          keywords      TEXT NOT NULL DEFAULT '[]',
          columns       TEXT NOT NULL,
          rows          TEXT NOT NULL,
          columns_html  TEXT NOT NULL,
          rows_html     TEXT NOT NULL,
          related       TEXT NOT NULL DEFAULT '[]',
          body_markdown TEXT NOT NULL,
          body_html     TEXT NOT NULL,
          source_path   TEXT NOT NULL
        );
        CREATE VIRTUAL TABLE search_index USING fts5(
          title, keywords, body,
          tokenize = "\(tokenizer)",
          prefix = '2 3'
        );
        CREATE VIRTUAL TABLE search_terms USING fts5vocab(search_index, row);
        -- Each body cut into passages of a few hundred characters, for snippets: FTS5's
        -- snippet() tokenizes the whole text it is given, so a snippet of one best passage costs
        -- a tenth of a snippet of the whole body.
        CREATE VIRTUAL TABLE search_passages USING fts5(
          body,
          tokenize = "\(tokenizer)",
          prefix = '2 3'
        );
        CREATE TABLE vocabulary (
          word      TEXT PRIMARY KEY NOT NULL,
          frequency INTEGER NOT NULL,
          documents INTEGER NOT NULL
        ) WITHOUT ROWID;
        """)
    }

    // Jobs: generic records of compute work. Times are Unix milliseconds (UTC).
    migrator.registerMigration("v1: jobs") { db in
      try db.execute(sql: """
        CREATE TABLE jobs (
          id                   TEXT PRIMARY KEY NOT NULL,
          kind                 TEXT NOT NULL,
          status               TEXT NOT NULL
                               CHECK (status IN ('queued', 'running', 'succeeded', 'failed', 'cancelled')),
          spec                 TEXT NOT NULL,
          progress             REAL NOT NULL DEFAULT 0,
          created_at           INTEGER NOT NULL,
          started_at           INTEGER,
          finished_at          INTEGER,
          timings              TEXT,
          result               TEXT,
          error                TEXT,
          idempotency_key      TEXT UNIQUE,
          request_hash         TEXT,
          result_payload_bytes INTEGER
        );
        CREATE INDEX jobs_by_status ON jobs (status, created_at);
        CREATE INDEX jobs_by_creation ON jobs (created_at);
        """)
    }
    // The glossary (kind `term`) and the questions' exercises: the corpus tables are rebuilt from
    // the files at the next sync, so they are dropped and created again with the new shape.
    migrator.registerMigration("v2: glossary and exercises") { db in
      try db.execute(sql: """
        DROP TABLE vocabulary;
        DROP TABLE search_passages;
        DROP TABLE search_terms;
        DROP TABLE search_index;
        DROP TABLE data_tables;
        DROP TABLE keywords;
        DROP TABLE questions;
        DROP TABLE document_topics;
        DROP TABLE documents;
        DELETE FROM meta WHERE key = 'corpus_hash';
        CREATE TABLE documents (
          id          INTEGER PRIMARY KEY,
          kind        TEXT NOT NULL CHECK (kind IN ('question', 'keyword', 'table', 'term')),
          slug        TEXT NOT NULL,
          question_id INTEGER,
          title       TEXT NOT NULL,
          UNIQUE (kind, slug)
        );
        CREATE TABLE document_topics (
          topic       TEXT NOT NULL,
          document_id INTEGER NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
          PRIMARY KEY (topic, document_id)
        ) WITHOUT ROWID;
        CREATE TABLE questions (
          id              INTEGER PRIMARY KEY,
          document_id     INTEGER NOT NULL UNIQUE REFERENCES documents(id) ON DELETE CASCADE,
          slug            TEXT NOT NULL UNIQUE,
          title           TEXT NOT NULL,
          title_html      TEXT NOT NULL,
          topics          TEXT NOT NULL DEFAULT '[]',
          keywords        TEXT NOT NULL DEFAULT '[]',
          related         TEXT NOT NULL DEFAULT '[]',
          experiments     TEXT NOT NULL DEFAULT '[]',
          exercises       TEXT NOT NULL DEFAULT '[]',
          beyond_seed     INTEGER NOT NULL DEFAULT 0,
          answer_markdown TEXT NOT NULL,
          answer_html     TEXT NOT NULL,
          source_path     TEXT NOT NULL
        );
        CREATE TABLE keywords (
          slug          TEXT PRIMARY KEY NOT NULL,
          document_id   INTEGER NOT NULL UNIQUE REFERENCES documents(id) ON DELETE CASCADE,
          position      INTEGER NOT NULL,
          title         TEXT NOT NULL,
          title_html    TEXT NOT NULL,
          summary       TEXT NOT NULL,
          summary_html  TEXT NOT NULL,
          keywords      TEXT NOT NULL DEFAULT '[]',
          related       TEXT NOT NULL DEFAULT '[]',
          body_markdown TEXT NOT NULL,
          body_html     TEXT NOT NULL,
          source_path   TEXT NOT NULL
        );
        CREATE TABLE data_tables (
          slug          TEXT PRIMARY KEY NOT NULL,
          document_id   INTEGER NOT NULL UNIQUE REFERENCES documents(id) ON DELETE CASCADE,
          position      INTEGER NOT NULL,
          title         TEXT NOT NULL,
          title_html    TEXT NOT NULL,
          keywords      TEXT NOT NULL DEFAULT '[]',
          columns       TEXT NOT NULL,
          rows          TEXT NOT NULL,
          columns_html  TEXT NOT NULL,
          rows_html     TEXT NOT NULL,
          related       TEXT NOT NULL DEFAULT '[]',
          body_markdown TEXT NOT NULL,
          body_html     TEXT NOT NULL,
          source_path   TEXT NOT NULL
        );
        -- A term is stored whole as JSON (the Codable `Term`): it is read only into the catalog.
        CREATE TABLE terms (
          slug        TEXT PRIMARY KEY NOT NULL,
          document_id INTEGER NOT NULL UNIQUE REFERENCES documents(id) ON DELETE CASCADE,
          position    INTEGER NOT NULL,
          entry       TEXT NOT NULL
        );
        CREATE VIRTUAL TABLE search_index USING fts5(
          title, keywords, body,
          tokenize = "\(tokenizer)",
          prefix = '2 3'
        );
        CREATE VIRTUAL TABLE search_terms USING fts5vocab(search_index, row);
        CREATE VIRTUAL TABLE search_passages USING fts5(
          body,
          tokenize = "\(tokenizer)",
          prefix = '2 3'
        );
        CREATE TABLE vocabulary (
          word      TEXT PRIMARY KEY NOT NULL,
          frequency INTEGER NOT NULL,
          documents INTEGER NOT NULL
        ) WITHOUT ROWID;
        """)
    }
    // Large inputs (matmul's inline matrices) apart from the jobs' specs: listings and progress
    // updates stay small whatever a client sent.
    migrator.registerMigration("v3: job inputs") { db in
      try db.execute(sql: """
        CREATE TABLE job_inputs (
          job_id TEXT PRIMARY KEY NOT NULL REFERENCES jobs(id) ON DELETE CASCADE,
          inputs TEXT NOT NULL
        );
        """)
    }
    // The best configuration of the tunable OpenCL GEMM per device, dtype and size class, found by
    // `tune` jobs; `entry` is the configuration's JSON as Compute writes it.
    migrator.registerMigration("v4: tuned configurations") { db in
      try db.execute(sql: """
        CREATE TABLE tuned_configurations (
          device_key TEXT NOT NULL,
          dtype      TEXT NOT NULL,
          size_class TEXT NOT NULL,
          entry      TEXT NOT NULL,
          updated_at INTEGER NOT NULL,
          PRIMARY KEY (device_key, dtype, size_class)
        ) WITHOUT ROWID;
        """)
    }
    // Also the questions' claims (index v4 re-syncs the corpus to fill them).
    // Run records: the permanent, shareable account of a finished job (kept when the job is
    // pruned), and records imported from other machines. `record` is the JSON as the server
    // writes it; the other columns are what lists and filters need.
    migrator.registerMigration("v5: run records") { db in
      try db.execute(sql: """
        CREATE TABLE run_records (
          id         TEXT PRIMARY KEY NOT NULL,
          kind       TEXT NOT NULL,
          device     TEXT NOT NULL,
          source     TEXT NOT NULL CHECK (source IN ('local', 'imported')),
          created_at INTEGER NOT NULL,
          record     TEXT NOT NULL
        ) WITHOUT ROWID;
        CREATE INDEX run_records_by_kind ON run_records (kind, created_at);
        ALTER TABLE questions ADD COLUMN claims TEXT NOT NULL DEFAULT '[]';
        """)
    }
    return migrator
  }

  /// The names of the migrations applied to the database, in order.
  public func appliedMigrations() throws(StoreError) -> [String] {
    try mappingErrors { try pool.read { db in try Self.migrator.appliedMigrations(db) } }
  }
}
