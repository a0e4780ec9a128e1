#include "caseboard/domain/recommendation_check.h"

#include <algorithm>
#include <cctype>
#include <initializer_list>

namespace caseboard::domain {

namespace {

using Words = std::vector<std::string>;

// Lower-case runs of ASCII letters and digits. Apostrophes, hyphens and any
// non-ASCII byte (curly quotes, dashes) separate words, which is all the
// matching below needs.
Words Tokenize(std::string_view text) {
  Words words;
  std::string cur;
  for (char ch : text) {
    unsigned char c = static_cast<unsigned char>(ch);
    if (c < 0x80 && std::isalnum(c)) {
      cur += static_cast<char>(std::tolower(c));
    } else if (!cur.empty()) {
      words.push_back(std::move(cur));
      cur.clear();
    }
  }
  if (!cur.empty()) words.push_back(std::move(cur));
  return words;
}

int CountWords(std::string_view text) {
  int n = 0;
  bool in_word = false;
  for (char ch : text) {
    bool space = std::isspace(static_cast<unsigned char>(ch));
    if (!space && !in_word) ++n;
    in_word = !space;
  }
  return n;
}

bool OneOf(const std::string& w, std::initializer_list<std::string_view> set) {
  return std::find(set.begin(), set.end(), w) != set.end();
}

const std::string& At(const Words& w, size_t i) {
  static const std::string kNone;
  return i < w.size() ? w[i] : kNone;
}

// A word straight after one of these is a noun ("the use of", "the report"),
// not the action the recommendation asks for.
bool AfterDeterminer(const Words& w, size_t i) {
  return i > 0 && OneOf(w[i - 1], {"the", "a", "an", "this", "that", "its", "their", "our", "of", "any"});
}

bool IsReviewWord(const Words& w, size_t i) {
  if (!OneOf(w[i], {"review", "reviews", "reviewed", "reviewing", "rereview"})) return false;
  // "this serious case review", "a practice review": the review being
  // written, not one being asked for.
  return !(i > 0 && OneOf(w[i - 1], {"case", "this", "practice"}));
}

bool IsTrainingWord(const std::string& w) {
  return OneOf(w,
               {"training", "train", "trains", "trained", "retrain", "retrained", "retraining", "refresher"});
}

// Evidence that the recommendation says more than "review" or "training":
// the change wanted, how impact will be known, or another concrete action.
// A date on its own is not enough: "review the policy by March" still leaves
// the change unsaid.
bool SaysWhatChanges(const Words& w) {
  for (size_t i = 0; i < w.size(); ++i) {
    const std::string& a = w[i];
    const std::string& b = At(w, i + 1);
    const std::string& c = At(w, i + 2);
    // The change or outcome wanted.
    if (a == "so" && (b == "that" || (b == "as" && c == "to"))) return true;
    if (a == "in" && b == "order" && c == "to") return true;
    if ((a == "resulting" || a == "leading") && (b == "in" || b == "to")) return true;
    if (OneOf(a, {"outcome", "outcomes", "impact", "difference", "aim", "target", "targets"})) return true;
    // How it will be known.
    if (OneOf(a, {"audit", "audits", "audited", "auditing", "measure", "measured", "measuring", "monitor",
                  "monitored", "monitoring", "evidence", "evidenced", "uptake", "baseline", "indicator",
                  "indicators", "sample", "sampled"})) {
      return true;
    }
    // Another concrete action, used as a verb.
    if (!AfterDeterminer(w, i) &&
        OneOf(a, {"commission", "commissioned", "use",       "uses",        "used",    "using",
                  "introduce",  "introduced",   "implement", "implemented", "adopt",   "adopted",
                  "establish",  "established",  "create",    "created",     "replace", "replaced",
                  "add",        "added",        "publish",   "published",   "appoint", "appointed",
                  "require",    "required",     "record",    "recorded",    "report",  "reported",
                  "fund",       "funded",       "recruit",   "recruited"})) {
      return true;
    }
    if (a == "set" && b == "up") return true;
  }
  return false;
}

}  // namespace

const std::vector<RecommendationKindInfo>& RecommendationKinds() {
  static const std::vector<RecommendationKindInfo> kKinds = {
      {RecommendationKind::kClearCut, 1, "clear_cut",
       "Issues with clear cut solutions that can be addressed locally and by all relevant agencies."},
      {RecommendationKind::kNoEasyAnswers, 2, "no_easy_answers",
       "Issues where solutions cannot be so precise because competing priorities and inevitable resource "
       "constraints mean there are no easy answers."},
      {RecommendationKind::kNeedsResearch, 3, "needs_research",
       "Issues that require further research and development in order to find solutions, including those "
       "that would need to be addressed at a national level."},
  };
  return kKinds;
}

const RecommendationKindInfo& DescribeRecommendationKind(RecommendationKind k) {
  const auto& kinds = RecommendationKinds();
  for (const auto& info : kinds) {
    if (info.kind == k) return info;
  }
  return kinds.front();  // unreachable: every enumerator is in the table
}

const char* RecommendationWarningKindName(RecommendationWarningKind k) {
  switch (k) {
    case RecommendationWarningKind::kEmpty:
      return "empty";
    case RecommendationWarningKind::kTooLong:
      return "too_long";
    case RecommendationWarningKind::kOnlyReview:
      return "only_review";
    case RecommendationWarningKind::kOnlyTraining:
      return "only_training";
  }
  return "unknown";
}

std::vector<RecommendationWarning> CheckRecommendation(std::string_view text) {
  std::vector<RecommendationWarning> out;
  int count = CountWords(text);
  if (count == 0) {
    out.push_back({RecommendationWarningKind::kEmpty,
                   "This recommendation is empty. Try writing the change you want to see in a sentence or "
                   "two: short, punchy and unambiguous (guidance section 6)."});
    return out;
  }
  if (count > kMaxRecommendationWords) {
    out.push_back(
        {RecommendationWarningKind::kTooLong,
         "This recommendation runs to " + std::to_string(count) +
             " words. Recommendations work best when short, punchy and unambiguous (guidance section 6): "
             "could it be split in two, or could some of the background move into the finding?"});
  }

  Words words = Tokenize(text);
  bool review = false;
  bool training = false;
  for (size_t i = 0; i < words.size(); ++i) {
    review = review || IsReviewWord(words, i);
    training = training || IsTrainingWord(words[i]);
  }
  if ((review || training) && !SaysWhatChanges(words)) {
    if (review) {
      out.push_back(
          {RecommendationWarningKind::kOnlyReview,
           "This recommendation asks for a review but doesn't yet say what should change as a result. "
           "Reviews are easy to state but time consuming to apply (guidance section 6). It may help to say "
           "what change you want to see, who will lead it, by when, and how the board will know it has made "
           "a difference - for example, an audit of cases afterwards."});
    }
    if (training) {
      out.push_back({RecommendationWarningKind::kOnlyTraining,
                     "This recommendation relies on training. When people don't do something they probably "
                     "know they should, more training is unlikely to change much on its own (guidance "
                     "section 6). It may help to say what should be different in practice and how the board "
                     "will know: not \"90 staff will have attended training\" but, say, \"record keeping "
                     "reflects the voice of the child, shown by an audit of cases\"."});
    }
  }
  return out;
}

}  // namespace caseboard::domain
