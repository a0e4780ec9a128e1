// Helpers for calling the C API from doctest: RAII owners for what it
// returns, and checks that print the library's message on failure.
#pragma once

#include <doctest/doctest.h>

#include <caseboard/caseboard.h>
#include <cstring>
#include <nlohmann/json.hpp>
#include <string>

namespace caseboard::test {

// Requires CASEBOARD_OK, showing the library's message otherwise. The call
// passes &capi_error_ as its error parameter, which the macro declares.
#define CAPI_OK(call)                                                                                       \
  do {                                                                                                      \
    char* capi_error_ = nullptr;                                                                            \
    caseboard_status capi_status_ = (call);                                                                 \
    std::string capi_message_ = capi_error_ ? capi_error_ : "";                                             \
    caseboard_string_free(capi_error_);                                                                     \
    REQUIRE_MESSAGE(capi_status_ == CASEBOARD_OK, #call << ": "                                             \
                                                        << std::string(caseboard_status_name(capi_status_)) \
                                                        << ": " << capi_message_);                          \
  } while (0)

// The status and message of a call expected to fail.
struct Failure {
  caseboard_status status = CASEBOARD_OK;
  std::string message;
};

// Takes ownership of a string the library returned.
inline std::string Take(char* s) {
  std::string out = s ? s : "";
  caseboard_string_free(s);
  return out;
}

inline const uint8_t* Octets(const std::string& s) { return reinterpret_cast<const uint8_t*>(s.data()); }

constexpr caseboard_kdf_params kFastKdf = {1u << 10, 8, 1};  // tests only

inline caseboard_vault* CreateVault(const std::string& dir, const std::string& passphrase) {
  caseboard_vault* v = nullptr;
  CAPI_OK(caseboard_vault_create(dir.c_str(), Octets(passphrase), passphrase.size(), &kFastKdf, &v,
                                 &capi_error_));
  return v;
}

inline nlohmann::json Command(caseboard_review* r, const nlohmann::json& command) {
  char* out = nullptr;
  CAPI_OK(caseboard_review_command(r, command.dump().c_str(), &out, &capi_error_));
  return nlohmann::json::parse(Take(out));
}

inline std::string Read(caseboard_review* r, const std::string& name, const nlohmann::json& params = {}) {
  char* out = nullptr;
  CAPI_OK(caseboard_review_read(r, name.c_str(), params.is_null() ? nullptr : params.dump().c_str(), &out,
                                &capi_error_));
  return Take(out);
}

inline std::string Hash(caseboard_review* r) {
  char* out = nullptr;
  CAPI_OK(caseboard_review_hash(r, &out, &capi_error_));
  return Take(out);
}

inline std::string Text(caseboard_review* r, const std::string& entity, const std::string& field) {
  char* out = nullptr;
  CAPI_OK(caseboard_text_get(r, entity.c_str(), field.c_str(), &out, &capi_error_));
  return Take(out);
}

inline void Insert(caseboard_review* r, const std::string& entity, const std::string& field, size_t pos,
                   const std::string& text) {
  CAPI_OK(
      caseboard_text_insert(r, entity.c_str(), field.c_str(), pos, text.data(), text.size(), &capi_error_));
}

// Makes `device`'s vault a member of the review (its lead reviewer, who
// holds every compartment's key), so changes carried to it are readable.
inline void AddMember(caseboard_review* r, caseboard_vault* device) {
  char* line = nullptr;
  CAPI_OK(caseboard_vault_device(device, &line, &capi_error_));
  Command(r, {{"command", "assign_role"},
              {"role", "lead_reviewer"},
              {"person", "Lead reviewer"},
              {"device", Take(line)}});
}

// Exports `from`'s changes and imports them into `to`.
inline void Carry(caseboard_review* from, caseboard_vault* to) {
  uint8_t* data = nullptr;
  size_t size = 0;
  CAPI_OK(caseboard_changes_export(from, &data, &size, &capi_error_));
  char* summary = nullptr;
  caseboard_status s = CASEBOARD_OK;
  char* error = nullptr;
  s = caseboard_changes_import(to, data, size, &summary, &error);
  caseboard_buffer_free(data, size);
  std::string message = Take(error);
  Take(summary);
  REQUIRE_MESSAGE(s == CASEBOARD_OK, message);
}

}  // namespace caseboard::test
