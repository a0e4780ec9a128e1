/*
 * caseboard.h: the C API of Caseboard, for Swift (iOS), Kotlin/JNI (Android)
 * and any other language that can call C.
 *
 * Plain C99. Everything is reached through opaque handles:
 *   caseboard_vault   one person's encrypted store on this device (a folder);
 *   caseboard_review  one case review in a vault;
 *   caseboard_sync    a sync session between a vault and its board.
 *
 * ERRORS. Every function that can fail returns a caseboard_status
 * (CASEBOARD_OK is 0) and takes a last parameter `char** error`. On failure,
 * if `error` is not NULL, *error receives a message written for a person
 * ("wrong passphrase for the vault in ..."); free it with
 * caseboard_string_free. On success *error is set to NULL. No C++ exception
 * ever leaves the library: an unexpected one becomes CASEBOARD_INTERNAL with
 * its message. A failed call changes nothing it was not asked to change,
 * and leaves its output pointers NULL.
 *
 * MEMORY. The library never keeps a pointer the caller passed in after the
 * call returns. Everything it returns is a fresh allocation the caller owns:
 *   char*     strings (UTF-8, NUL-terminated, JSON or plain text):
 *             free with caseboard_string_free;
 *   uint8_t*  byte buffers with a length: free with caseboard_buffer_free;
 *   handles:  free with their own close/free function.
 * Both free functions overwrite the memory before releasing it
 * (OPENSSL_cleanse), because texts and read models hold case material. They
 * accept NULL.
 *
 * SECRETS. Passphrases are passed as (const uint8_t*, size_t): any bytes,
 * not NUL-terminated. The library does not copy them into memory it does not
 * wipe. Wipe your own copy once the call returns.
 *
 * THREADS. A vault handle, the reviews opened from it and its sync sessions
 * may be used from any thread. All calls on one vault (through any of these
 * handles) are serialised by a mutex the vault handle holds: they run one
 * at a time, in the order they take it; a long call (a sync, a big
 * attachment) makes the others wait. Different vaults are independent and
 * run in parallel. Callbacks run on the thread that made the call, while
 * the vault's mutex is held: a callback must not call into the same vault
 * (it would wait for itself). caseboard_sync_cancel is the exception: it
 * takes no lock and may be called from any thread, at any time, to stop a
 * sync running on another thread. As with any C handle, closing or freeing
 * one while another thread is still in a call on it is the caller's bug.
 *
 * JSON. Domain commands go in as JSON and read models come out as JSON, in
 * exactly the shapes `caseboard-cli ... --json` prints (both are built by
 * the same code in core/domain). Dates are "YYYY-MM-DD".
 */
#ifndef CASEBOARD_CASEBOARD_H_
#define CASEBOARD_CASEBOARD_H_

#include <stddef.h>
#include <stdint.h>

/* The library is built with hidden visibility (Android, iOS, Linux): only
 * what carries CASEBOARD_API is exported. */
#if defined(__GNUC__) || defined(__clang__)
#define CASEBOARD_API __attribute__((visibility("default")))
#else
#define CASEBOARD_API
#endif

#ifdef __cplusplus
extern "C" {
#endif

/* ---- Errors and memory ------------------------------------------------ */

/* Mirrors caseboard::Status::Code (core/include/caseboard/status.h). */
typedef enum caseboard_status {
  CASEBOARD_OK = 0,
  CASEBOARD_INVALID_ARGUMENT = 1, /* the caller's input is malformed */
  CASEBOARD_NOT_FOUND = 2,        /* the thing asked for does not exist */
  CASEBOARD_ALREADY_EXISTS = 3,   /* creating something that is already there */
  CASEBOARD_CORRUPTION = 4,       /* stored data is damaged or was tampered with */
  CASEBOARD_AUTH_FAILED = 5,      /* a tag, signature or passphrase did not check out */
  CASEBOARD_LOCKED = 6,           /* the vault is locked; unlock first */
  CASEBOARD_BUSY = 7,             /* another process has the vault open */
  CASEBOARD_UNSUPPORTED = 8,      /* a newer format, or a feature this build lacks */
  CASEBOARD_IO_ERROR = 9,         /* the OS or the network refused */
  CASEBOARD_INTERNAL = 10,        /* a bug or an unexpected failure below us */
  CASEBOARD_CANCELLED = 11,       /* the caller cancelled (sync, streaming callbacks) */
  CASEBOARD_REVOKED = 12          /* the board revoked this device: close the vault and
                                     wipe it (docs/data-protection.md) */
} caseboard_status;

/* "ok", "invalid_argument", ...: a static string, never freed. */
CASEBOARD_API const char* caseboard_status_name(caseboard_status status);
/* The library's version, "0.1.0": a static string. */
CASEBOARD_API const char* caseboard_version(void);

/* Wipes and frees a string the library returned. NULL is fine. */
CASEBOARD_API void caseboard_string_free(char* s);
/* Wipes and frees a buffer the library returned; `size` is its length. */
CASEBOARD_API void caseboard_buffer_free(uint8_t* data, size_t size);

/* ---- Vaults ----------------------------------------------------------- */

typedef struct caseboard_vault caseboard_vault;

/* The memory-hard KDF's cost (scrypt). Pass NULL for the default (about
 * half a second and 128 MiB); lower costs only for tests. */
typedef struct caseboard_kdf_params {
  uint64_t scrypt_n; /* a power of two */
  uint32_t scrypt_r;
  uint32_t scrypt_p;
} caseboard_kdf_params;

/* Creates a vault in `dir` (made if missing; must not already hold one) and
 * opens it unlocked. *out: close with caseboard_vault_close. */
CASEBOARD_API caseboard_status caseboard_vault_create(const char* dir, const uint8_t* passphrase,
                                                      size_t passphrase_size, const caseboard_kdf_params* kdf,
                                                      caseboard_vault** out, char** error);
/* Opens an existing vault, locked. CASEBOARD_BUSY if another process has it. */
CASEBOARD_API caseboard_status caseboard_vault_open(const char* dir, caseboard_vault** out, char** error);
/* CASEBOARD_AUTH_FAILED for a wrong passphrase; nothing is changed. */
CASEBOARD_API caseboard_status caseboard_vault_unlock(caseboard_vault* vault, const uint8_t* passphrase,
                                                      size_t passphrase_size, char** error);
/* Signs pending text edits, closes every review's in-memory state and wipes
 * every key. Review handles stay valid: their calls fail with
 * CASEBOARD_LOCKED until the vault is unlocked again. */
CASEBOARD_API caseboard_status caseboard_vault_lock(caseboard_vault* vault, char** error);
/* 1 if unlocked, 0 if locked (or vault is NULL). */
CASEBOARD_API int caseboard_vault_is_unlocked(caseboard_vault* vault);
/* Releases the caller's handle. The vault itself (its file lock, its keys)
 * stays open until its last review and sync handles are closed too. */
CASEBOARD_API void caseboard_vault_close(caseboard_vault* vault);
/* Destroys the vault in `dir` for good: every vault file overwritten with
 * zeros and removed, the wrapped key with them. For a person ending their
 * work on a device, and for a sync that returns CASEBOARD_REVOKED (the board's
 * order to a revoked device). Every handle on the vault must be closed first
 * (else CASEBOARD_BUSY); the app removes any secret it keeps in the OS key
 * store itself. CASEBOARD_NOT_FOUND when there is no vault. */
CASEBOARD_API caseboard_status caseboard_vault_wipe(const char* dir, char** error);
/* This device's identity line ("cbdev1:..."), to give to a review's owner
 * who adds it (assign_role with "device"). Free with caseboard_string_free. */
CASEBOARD_API caseboard_status caseboard_vault_device(caseboard_vault* vault, char** identity, char** error);

/* ---- Reviews ---------------------------------------------------------- */

typedef struct caseboard_review caseboard_review;

/* The reviews in the vault, as `caseboard-cli review list --json` prints
 * them: [{"id","title","changes","problems"}]. Free with caseboard_string_free. */
CASEBOARD_API caseboard_status caseboard_review_list(caseboard_vault* vault, char** json, char** error);
/* Starts a case review under `framework` ("scr-wt2015" if NULL or empty) at
 * its first stage; `board` may be NULL; `opened_on` NULL means today. This
 * device becomes its owner. Close *out with caseboard_review_close. */
CASEBOARD_API caseboard_status caseboard_review_create(caseboard_vault* vault, const char* title,
                                                       const char* framework, const char* board,
                                                       const char* opened_on, caseboard_review** out,
                                                       char** error);
/* Opens a review of the vault. Opening the same review twice gives two
 * handles onto one in-memory review. */
CASEBOARD_API caseboard_status caseboard_review_open(caseboard_vault* vault, const char* review_id,
                                                     caseboard_review** out, char** error);
/* Signs pending text edits (when unlocked) and releases the handle. */
CASEBOARD_API void caseboard_review_close(caseboard_review* review);
/* The review's id. Free with caseboard_string_free. */
CASEBOARD_API caseboard_status caseboard_review_id(caseboard_review* review, char** id, char** error);
/* SHA-256 (hex) of the review's canonical state: equal on every device that
 * has the same changes (`caseboard-cli review hash`). */
CASEBOARD_API caseboard_status caseboard_review_hash(caseboard_review* review, char** hash, char** error);
/* The canonical state as JSON (`caseboard-cli review show --json`). */
CASEBOARD_API caseboard_status caseboard_review_canonical(caseboard_review* review, char** json,
                                                          char** error);

/* Runs one domain command, e.g.
 *   {"command":"add_record","type":"chronology_entry","fields":{...}}
 * and returns its result as JSON ({"id": ...} for a new record). The
 * commands and their members are listed in core/include/caseboard/domain/
 * commands.h; unknown commands or members, and members of the wrong type,
 * are refused with CASEBOARD_INVALID_ARGUMENT before anything is written.
 * Dates default to `today` below. Free *result with caseboard_string_free. */
CASEBOARD_API caseboard_status caseboard_review_command(caseboard_review* review, const char* command_json,
                                                        char** result, char** error);
/* Reads a read model by name ("status", "deadlines", "records",
 * "chronology", ...; see core/include/caseboard/domain/read_models.h) with
 * its parameters as a JSON object (NULL for none), in the JSON that
 * `caseboard-cli scr ... --json` prints. Day-dependent models are judged on
 * today, or on "today" in params ("YYYY-MM-DD"), with the England and Wales
 * bank holidays and the vault folder's holidays.json, like the CLI. */
CASEBOARD_API caseboard_status caseboard_review_read(caseboard_review* review, const char* name,
                                                     const char* params_json, char** json, char** error);
/* Reference data that needs no vault: "frameworks", "categories", "roles",
 * "methodologies". Free with caseboard_string_free. */
CASEBOARD_API caseboard_status caseboard_reference_data(const char* name, char** json, char** error);

/* ---- Long texts, with cursors that survive other people's edits ------- */

/* Positions and lengths count Unicode code points; text is UTF-8 (invalid
 * UTF-8 is refused). Edits apply at once and are signed together, one
 * change per editing burst: call caseboard_text_flush when a field loses
 * focus. Export, sync, lock and close flush too.
 *
 * An anchor is a short string naming the character just before a cursor
 * ("" is the start of the text). Unlike a position it stays put when text
 * is inserted or deleted before it, here or on another device. */

/* Inserts `text` (`size` bytes of UTF-8) before code point `pos`. */
CASEBOARD_API caseboard_status caseboard_text_insert(caseboard_review* review, const char* entity,
                                                     const char* field, size_t pos, const char* text,
                                                     size_t size, char** error);
/* Inserts at an anchor's current position; *anchor_after (may be NULL)
 * receives the anchor just after the inserted text, where the cursor goes
 * next. Free it with caseboard_string_free. */
CASEBOARD_API caseboard_status caseboard_text_insert_at(caseboard_review* review, const char* entity,
                                                        const char* field, const char* anchor,
                                                        const char* text, size_t size, char** anchor_after,
                                                        char** error);
CASEBOARD_API caseboard_status caseboard_text_delete(caseboard_review* review, const char* entity,
                                                     const char* field, size_t pos, size_t length,
                                                     char** error);
/* The text, UTF-8. Free with caseboard_string_free (it is wiped). */
CASEBOARD_API caseboard_status caseboard_text_get(caseboard_review* review, const char* entity,
                                                  const char* field, char** text, char** error);
/* The anchor for a cursor at `pos`. Free with caseboard_string_free. */
CASEBOARD_API caseboard_status caseboard_text_anchor(caseboard_review* review, const char* entity,
                                                     const char* field, size_t pos, char** anchor,
                                                     char** error);
/* Where an anchor's cursor is now (the end, for an anchor this text does
 * not know yet). */
CASEBOARD_API caseboard_status caseboard_text_position(caseboard_review* review, const char* entity,
                                                       const char* field, const char* anchor, size_t* pos,
                                                       char** error);
/* Signs the pending text edits of this review as one change. */
CASEBOARD_API caseboard_status caseboard_text_flush(caseboard_review* review, char** error);

/* ---- Attachments, streamed --------------------------------------------- */

/* Fills buf with up to `capacity` bytes of the file; returns how many,
 * 0 at the end, or a negative number to stop with CASEBOARD_CANCELLED. */
typedef int64_t (*caseboard_read_fn)(void* user, uint8_t* buf, size_t capacity);
/* Receives the next `size` bytes of a file; returns 0 to go on, anything
 * else to stop with CASEBOARD_CANCELLED. */
typedef int (*caseboard_write_fn)(void* user, const uint8_t* data, size_t size);

/* Streams a file into the vault (encrypted in 64 KiB chunks; memory stays
 * flat) and records an attachment entity for it; `compartment` NULL means
 * the default. *entity: its id, free with caseboard_string_free. */
CASEBOARD_API caseboard_status caseboard_file_attach(caseboard_review* review, const char* name,
                                                     const char* media_type, const char* compartment,
                                                     caseboard_read_fn read, void* user, char** entity,
                                                     char** error);
/* Streams an attachment's file out, checking its content hash at the end
 * (CASEBOARD_CORRUPTION if it does not match: discard what was written). */
CASEBOARD_API caseboard_status caseboard_file_extract(caseboard_review* review, const char* entity,
                                                      caseboard_write_fn write, void* user, char** error);

/* ---- Changes by file, without a server ---------------------------------- */

/* Every change of the review, sealed and signed as it is (content stays
 * ciphertext), in the `caseboard-cli changes export` format. Free *data with
 * caseboard_buffer_free(*data, *size). */
CASEBOARD_API caseboard_status caseboard_changes_export(caseboard_review* review, uint8_t** data,
                                                        size_t* size, char** error);
/* Checks and applies a changes file like sync does (signature, membership,
 * sequence, schema; refused changes are quarantined, never applied),
 * joining its review if the vault does not have it. *summary (may be NULL):
 * {"review": ID, "changes": N, "outcomes": {"applied": N, ...}}. */
CASEBOARD_API caseboard_status caseboard_changes_import(caseboard_vault* vault, const uint8_t* data,
                                                        size_t size, char** summary, char** error);

/* ---- Sync with a board ---------------------------------------------------- */

typedef struct caseboard_sync caseboard_sync;

typedef enum caseboard_sync_phase {
  CASEBOARD_SYNC_PULL = 0, /* done/total: changes received */
  CASEBOARD_SYNC_PUSH = 1, /* done/total: changes sent */
  CASEBOARD_SYNC_FILES = 2 /* done/total: attachment bytes */
} caseboard_sync_phase;

/* Reports progress of one review's sync (total 0: unknown). Return 0 to go
 * on, anything else to cancel (the sync stops at the next safe point with
 * CASEBOARD_CANCELLED; what was stored so far stays). */
typedef int (*caseboard_progress_fn)(void* user, const char* review_id, caseboard_sync_phase phase,
                                     uint64_t done, uint64_t total);

/* A sync session on a vault. Free with caseboard_sync_free. */
CASEBOARD_API caseboard_status caseboard_sync_new(caseboard_vault* vault, caseboard_sync** out, char** error);
CASEBOARD_API void caseboard_sync_free(caseboard_sync* sync);
/* Joins the board an invite names (TLS, the board's key pinned by the
 * invite) as `device_name`. *result (may be NULL): {"board","already_enrolled"}. */
CASEBOARD_API caseboard_status caseboard_sync_join(caseboard_sync* sync, const char* invite,
                                                   const char* device_name, char** result, char** error);
/* Syncs every review of the vault and every review the board lists for
 * this device. Open review handles see the result. *report (may be NULL):
 * {"reviews":[{"review","joined","pulled","pushed","files_sent",
 * "files_received","files_waiting","pending","refused","warnings","ok",
 * "error"}]}. A review that fails is reported there and the others go on;
 * the call fails only if the board cannot be used at all, or on cancel. */
CASEBOARD_API caseboard_status caseboard_sync_run(caseboard_sync* sync, caseboard_progress_fn progress,
                                                  void* user, char** report, char** error);
/* Asks a running caseboard_sync_run or caseboard_sync_join to stop. Any
 * thread, any time, no lock taken. The request lasts until the run (or
 * join) returns: asked before one starts, it stops that one at once. */
CASEBOARD_API void caseboard_sync_cancel(caseboard_sync* sync);

#ifdef __cplusplus
} /* extern "C" */
#endif

#endif /* CASEBOARD_CASEBOARD_H_ */
