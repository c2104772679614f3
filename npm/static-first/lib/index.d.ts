// Types of the Node API and of the JSON report (docs/static-first.schema.json, schema_version 1).

export interface Options {
  /** Where relative paths and the nearest static-first.toml are looked up from (default: process.cwd()). */
  cwd?: string;
  /** One configuration file for every file (`--config`), instead of the nearest static-first.toml. */
  config?: string;
  /** Skip larger files: bytes, or with a K, M or G suffix (`--max-filesize`, default 1M, at most 16M). */
  maxFilesize?: number | string;
  /** Worker threads (`--threads`). */
  threads?: number;
  /** A static-first executable to run instead of the platform package's (as STATIC_FIRST_BINARY does for the command). */
  binary?: string;
}

export interface CheckOptions extends Options {
  /** Write the fixes in place (`--write`). */
  write?: boolean;
  /** Findings only, no diffs (`--check`). */
  check?: boolean;
}

export interface Location {
  middleware: string;
  line: number;
  /** 1-based, in characters. */
  column: number;
  /** Byte offsets into the UTF-8 text after any BOM; `end` is exclusive. */
  span: { start: number; end: number };
}

export interface Candidate {
  direction: 'lift' | 'sink';
  moved_lines: number[];
  anchor_line: number;
  valid: boolean;
  blocking_line: number | null;
  reason: string | null;
}

export interface Finding {
  rule_id: 'static-first/session-before-static';
  message: string;
  status: 'fixable' | 'fixed' | 'review' | 'suppressed';
  receiver: string;
  static: Location;
  session: Location;
  /** Why it needs review (or the suppression's reason). */
  reason: string | null;
  blocking_line: number | null;
  risk: { level: 'high' | 'lower'; reason: string };
  note: string | null;
  plan: { chosen: 'lift' | 'sink' | null; candidates: Candidate[] };
}

export interface FileReport {
  path: string;
  findings: Finding[];
  /** Malformed or unused static-first-ignore comments. */
  notes: { line: number; column: number; message: string }[];
  diff: string | null;
  written: boolean;
  error: string | null;
  skipped: string | null;
  /** fixSource only: the whole fixed text, as `--write` would leave the file; absent when nothing is fixed. */
  fixed_source?: string;
}

export interface Report {
  schema_version: 1;
  tool: { name: 'static-first'; version: string };
  mode: 'dry-run' | 'write' | 'check';
  /** Files with findings, errors or skips, in path order. */
  files: FileReport[];
  summary: {
    files: number;
    findings: number;
    fixable: number;
    fixed: number;
    review: number;
    errors: number;
    skipped: number;
    suppressed: number;
  };
}

/** Checks files and directories (fixes them with `write: true`). Rejects only when the run stops before its report (bad arguments, an invalid configuration); errors in single files are in the report. */
export function check(paths: string | string[], options?: CheckOptions): Promise<Report>;
export function checkSync(paths: string | string[], options?: CheckOptions): Report;

/** Checks `text` as if it were the file `filename` (its extension picks the parser; static-first.toml is looked up from its directory); nothing is written. */
export function fixSource(text: string, filename: string, options?: Options): Promise<Report>;
export function fixSourceSync(text: string, filename: string, options?: ServeOptions): Report;

export interface ServeOptions extends Options {
  /**
   * Check through one long-lived `static-first --serve` process (per binary, cwd and flags),
   * started on the first such call, instead of a process per call: the same reports, without
   * a process start for each file. If it cannot start or dies, every later call runs its own
   * process. It never keeps Node running: it ends when this process does.
   */
  serve?: boolean;
}

/** The binary the API and the command run: STATIC_FIRST_BINARY, else the platform package's. Throws with what to install when there is none. */
export function findBinary(): string;
