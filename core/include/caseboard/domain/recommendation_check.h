// Gentle checks on the wording of an SCR recommendation.
//
// Section 6 of the East of England guide ("Findings and recommendations")
// asks for recommendations that are "short, punchy and unambiguous", and
// warns authors to be careful about recommending "review" and "training":
// they are easy to state but time consuming to apply, and when people fail to
// do something they probably know they should, more training is unlikely to
// improve matters. The warnings here are prompts for the author, never a
// refusal: a recommendation is still saved whatever they say.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace caseboard::domain {

// SCIE's three kinds of recommendation (section 6).
enum class RecommendationKind {
  kClearCut,       // clear cut solutions, addressable locally by all relevant agencies
  kNoEasyAnswers,  // competing priorities and resource constraints mean no precise solution
  kNeedsResearch,  // needs further research and development, possibly at national level
};

struct RecommendationKindInfo {
  RecommendationKind kind;
  int number;           // 1-3, as numbered in the guidance
  std::string_view id;  // stored on recommendation records: never changes
  std::string_view text;
};

const std::vector<RecommendationKindInfo>& RecommendationKinds();
const RecommendationKindInfo& DescribeRecommendationKind(RecommendationKind k);

enum class RecommendationWarningKind {
  kEmpty,         // nothing written
  kTooLong,       // more than kMaxRecommendationWords words
  kOnlyReview,    // asks for a review, without the change wanted or how impact will be known
  kOnlyTraining,  // asks for training, likewise
};
const char* RecommendationWarningKindName(RecommendationWarningKind k);

// Beyond this a recommendation is no longer "short, punchy".
inline constexpr int kMaxRecommendationWords = 60;

struct RecommendationWarning {
  RecommendationWarningKind kind;
  std::string message;  // written to the author, kindly
};

// Empty when the recommendation reads well. A recommendation that mentions
// review or training but also says what will change, by when, or how it will
// be measured (a date, an audit, "so that ...", another concrete action) is
// not warned about.
std::vector<RecommendationWarning> CheckRecommendation(std::string_view text);

}  // namespace caseboard::domain
