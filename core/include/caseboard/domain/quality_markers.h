// The 18 SCR Quality Markers (NSPCC/SCIE Learning into Practice Project,
// 2016), as data a review can be checked against.
//
// Every marker has its number, stage, title and a one-line gist. Markers 1
// (Referral), 7 (Governance), 8 (SCR management) and 15 (Improvement action)
// also carry their quality statement, the "How might you know if you are
// meeting this quality marker?" questions and the "Tackling some common
// obstacles" bullets, because those are the ones whose full text we hold; the
// rest have empty lists until their text is added.
#pragma once

#include <string_view>
#include <vector>

namespace caseboard::domain {

enum class ReviewStage { kSetUp, kRunning, kOutputs };
const char* ReviewStageName(ReviewStage s);  // "set-up", "running", "outputs"

struct QualityMarker {
  int number;  // 1-18
  ReviewStage stage;
  std::string_view title;
  std::string_view gist;
  std::string_view quality_statement;       // empty unless the full text is held
  std::vector<std::string_view> questions;  // "How might you know if you are meeting this quality marker?"
  std::vector<std::string_view> obstacles;  // "Tackling some common obstacles"

  bool has_full_text() const { return !quality_statement.empty(); }
};

// All 18, in number order. The data is immutable and lives for the program.
const std::vector<QualityMarker>& QualityMarkers();

// nullptr when `number` is not 1-18.
const QualityMarker* FindMarker(int number);

}  // namespace caseboard::domain
