/*
 * capi_demo: Caseboard's C API from start to finish, as a mobile app would
 * use it. Compiled as C99 and linked only against libcaseboard.
 *
 *   capi_demo DIR_A DIR_B
 *
 * Device A creates a vault in DIR_A, starts a case review, makes device B
 * (a vault in DIR_B) its lead reviewer, records a home visit and types its
 * notes, then exports the review's changes (signed, and encrypted for the
 * review's members, as they would travel by file). Device B imports them.
 * Both print the review's state hash: the same hash means both devices hold
 * byte-identical reviews.
 *
 * Every call returns a caseboard_status and fills `error` on failure; every
 * string or buffer the library returns is ours to free with
 * caseboard_string_free or caseboard_buffer_free.
 */
#include <caseboard/caseboard.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Prints the failed step and its message, and exits. A real app would show
 * the message to the user: it is written for a person. */
static void check(caseboard_status status, char* error, const char* step) {
  if (status == CASEBOARD_OK) return;
  fprintf(stderr, "capi_demo: %s failed (%s): %s\n", step, caseboard_status_name(status),
          error ? error : "(no message)");
  caseboard_string_free(error);
  exit(1);
}

/* Finds the value of "key": "..." in a small JSON object. A real app would
 * hand the JSON to its platform's parser (JSONSerialization, org.json). */
static char* json_string(const char* json, const char* key) {
  char pattern[64];
  const char* at;
  const char* end;
  char* out;
  snprintf(pattern, sizeof pattern, "\"%s\": \"", key);
  at = strstr(json, pattern);
  if (!at) return NULL;
  at += strlen(pattern);
  end = strchr(at, '"');
  if (!end) return NULL;
  out = malloc((size_t)(end - at) + 1);
  if (!out) return NULL;
  memcpy(out, at, (size_t)(end - at));
  out[end - at] = '\0';
  return out;
}

int main(int argc, char** argv) {
  /* A passphrase is bytes, not a C string: the library never needs it
   * NUL-terminated and never keeps a copy it does not wipe. */
  static const uint8_t passphrase_a[] = "correct horse battery staple";
  static const uint8_t passphrase_b[] = "a different passphrase, device B";
  caseboard_vault* vault_a = NULL;
  caseboard_vault* vault_b = NULL;
  caseboard_review* review_a = NULL;
  caseboard_review* review_b = NULL;
  char* error = NULL;
  char* result = NULL;
  char* visit = NULL;
  char* review_id = NULL;
  char* hash_a = NULL;
  char* hash_b = NULL;
  char* notes = NULL;
  char* anchor = NULL;
  char* device_b = NULL;
  char* command = NULL;
  size_t command_size;
  uint8_t* changes = NULL;
  size_t changes_size = 0;
  const char* typed = "Mother says the health visitor came twice in March.";
  int same;

  if (argc != 3) {
    fprintf(stderr, "usage: capi_demo DIR_A DIR_B (two folders that do not hold a vault yet)\n");
    return 2;
  }
  printf("libcaseboard %s\n", caseboard_version());

  /* 1. Two devices, each with a new vault (NULL: the default, memory-hard
   *    KDF cost). In real life they are two phones. */
  check(caseboard_vault_create(argv[1], passphrase_a, sizeof passphrase_a - 1, NULL, &vault_a, &error), error,
        "creating vault A");
  check(caseboard_vault_create(argv[2], passphrase_b, sizeof passphrase_b - 1, NULL, &vault_b, &error), error,
        "creating vault B");
  /* B's identity line is public: B shows it (a QR code) to the review's owner. */
  check(caseboard_vault_device(vault_b, &device_b, &error), error, "reading B's identity");

  /* 2. A case review, started today under the 2015 SCR framework. */
  check(caseboard_review_create(vault_a, "SCR Child A", "scr-wt2015", "Northshire LSCB", NULL, &review_a,
                                &error),
        error, "starting the review");

  /* 3. Make B a member: the lead reviewer, who may read family material.
   *    The review's keys reach B sealed to B's key, inside the changes. */
  command_size = strlen(device_b) + 128;
  command = malloc(command_size);
  if (!command) return 1;
  snprintf(command, command_size,
           "{\"command\": \"assign_role\", \"role\": \"lead_reviewer\", \"person\": \"Lead reviewer\", "
           "\"device\": \"%s\"}",
           device_b);
  check(caseboard_review_command(review_a, command, NULL, &error), error, "adding B to the review");
  free(command);
  caseboard_string_free(device_b);

  /* 4. A domain command, as JSON: record a home visit (a conversation
   *    record, kept in the review's family compartment). */
  check(caseboard_review_command(
            review_a,
            "{\"command\": \"add_record\", \"type\": \"conversation\", \"fields\": "
            "{\"kind\": \"home_visit\", \"held_on\": \"2024-12-05\", \"by\": \"Lead reviewer\"}}",
            &result, &error),
        error, "recording the home visit");
  visit = json_string(result, "id");
  caseboard_string_free(result);
  if (!visit) {
    fprintf(stderr, "capi_demo: the command returned no record id\n");
    return 1;
  }

  /* 5. Type the visit's notes. An anchor is a cursor that stays in place
   *    when someone else's edits arrive; "" is the start of the text. */
  check(caseboard_text_insert_at(review_a, visit, "notes", "", typed, strlen(typed), &anchor, &error), error,
        "typing the notes");
  check(caseboard_text_insert_at(review_a, visit, "notes", anchor, " No concerns were raised.", 25, NULL,
                                 &error),
        error, "typing more notes");
  caseboard_string_free(anchor);
  /* The edits of one typing burst are signed as one change; an app flushes
   *    when the field loses focus (export, sync and close flush too). */
  check(caseboard_text_flush(review_a, &error), error, "signing the notes");
  check(caseboard_text_get(review_a, visit, "notes", &notes, &error), error, "reading the notes");
  printf("notes on A: %s\n", notes);
  caseboard_string_free(notes); /* wiped: it is case material */

  /* 6. Export every change of the review: signed, and encrypted for the
   *    review's members. */
  check(caseboard_changes_export(review_a, &changes, &changes_size, &error), error, "exporting the changes");
  check(caseboard_review_id(review_a, &review_id, &error), error, "reading the review id");
  check(caseboard_review_hash(review_a, &hash_a, &error), error, "hashing review A");
  printf("exported %lu bytes of review %s\n", (unsigned long)changes_size, review_id);

  /* 7. Device B imports the file (checking every signature) and opens the review. */
  check(caseboard_changes_import(vault_b, changes, changes_size, &result, &error), error,
        "importing the changes");
  printf("imported on B: %s\n", result);
  caseboard_string_free(result);
  caseboard_buffer_free(changes, changes_size);
  check(caseboard_review_open(vault_b, review_id, &review_b, &error), error, "opening the review on B");
  check(caseboard_review_hash(review_b, &hash_b, &error), error, "hashing review B");

  /* 8. The same changes give the same review, byte for byte. */
  printf("hash A: %s\n", hash_a);
  printf("hash B: %s\n", hash_b);
  same = strcmp(hash_a, hash_b) == 0;
  printf(same ? "the same review on both devices\n" : "the reviews differ!\n");

  /* 9. Close reviews, then lock (wipes the keys) and close the vaults. */
  caseboard_string_free(hash_a);
  caseboard_string_free(hash_b);
  caseboard_string_free(review_id);
  free(visit);
  caseboard_review_close(review_b);
  caseboard_review_close(review_a);
  check(caseboard_vault_lock(vault_b, &error), error, "locking vault B");
  check(caseboard_vault_lock(vault_a, &error), error, "locking vault A");
  caseboard_vault_close(vault_b);
  caseboard_vault_close(vault_a);
  return same ? 0 : 1;
}
