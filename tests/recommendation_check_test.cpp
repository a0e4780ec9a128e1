// Gentle warnings on recommendation wording (guidance section 6: short,
// punchy, unambiguous; be careful recommending "review" and "training").
#include <doctest/doctest.h>

#include <string>

#include "caseboard/domain/recommendation_check.h"

using namespace caseboard::domain;
using K = RecommendationWarningKind;

namespace {

std::vector<K> Kinds(std::string_view text) {
  std::vector<K> out;
  for (const auto& w : CheckRecommendation(text)) out.push_back(w.kind);
  return out;
}

}  // namespace

TEST_CASE("recommendations whose substance is only review or training get a gentle warning") {
  CHECK(Kinds("Agencies should review their procedures.") == std::vector<K>{K::kOnlyReview});
  CHECK(Kinds("Staff to receive training.") == std::vector<K>{K::kOnlyTraining});
  CHECK(Kinds("Review the policy") == std::vector<K>{K::kOnlyReview});
  CHECK(Kinds("REVIEW THE POLICY") == std::vector<K>{K::kOnlyReview});
  CHECK(
      Kinds("The LSCB should ensure that all staff receive refresher training on the voice of the child.") ==
      std::vector<K>{K::kOnlyTraining});
  CHECK(Kinds("Agencies should review their procedures and staff should be retrained.") ==
        std::vector<K>{K::kOnlyReview, K::kOnlyTraining});
}

TEST_CASE("a date alone does not say what should change") {
  CHECK(Kinds("All agencies should review their safeguarding procedures by March 2027.") ==
        std::vector<K>{K::kOnlyReview});
}

TEST_CASE("a noun is not an action: 'the use of' does not rescue a training recommendation") {
  CHECK(Kinds("Practitioners should be trained in the use of the neglect toolkit.") ==
        std::vector<K>{K::kOnlyTraining});
}

TEST_CASE("substantive recommendations that merely contain the word are not warned about") {
  CHECK(Kinds("The board should commission a multi-agency audit of neglect cases by March 2027, and report "
              "the findings to the board")
            .empty());
  CHECK(Kinds("Health visitors will use the new fathers' engagement tool at every new-birth visit; uptake "
              "audited quarterly")
            .empty());
  CHECK(Kinds("Review the neglect strategy so that fathers are routinely assessed.").empty());
  CHECK(Kinds("The CDOP should add a question about safe sleeping to its review template by April 2026.")
            .empty());
  CHECK(Kinds("Safe sleep training will be replaced by a conversation at every new-birth visit, recorded in "
              "the child's health record.")
            .empty());
  CHECK(Kinds("Health visitors will use the new fathers\xE2\x80\x99 engagement tool after training, with "
              "uptake audited quarterly.")
            .empty());
}

TEST_CASE("the review being written is not a review being asked for") {
  CHECK(Kinds("The findings of this serious case review should be shared with all schools.").empty());
  CHECK(Kinds("Share the learning from this review with GPs.").empty());
}

TEST_CASE("the warnings are kind and say what would help") {
  auto w = CheckRecommendation("Staff to receive training.");
  REQUIRE(w.size() == 1);
  CHECK(w[0].message.find("section 6") != std::string::npos);
  CHECK(w[0].message.find("how the board will know") != std::string::npos);
  CHECK(w[0].message.find("should be different in practice") != std::string::npos);

  w = CheckRecommendation("Review the policy");
  REQUIRE(w.size() == 1);
  CHECK(w[0].message.find("what change you want to see") != std::string::npos);
  CHECK(w[0].message.find("made a difference") != std::string::npos);
  CHECK(std::string(RecommendationWarningKindName(w[0].kind)) == "only_review");
}

TEST_CASE("an empty recommendation") {
  CHECK(Kinds("") == std::vector<K>{K::kEmpty});
  CHECK(Kinds("  \n\t ") == std::vector<K>{K::kEmpty});
}

TEST_CASE("a long recommendation is not short and punchy") {
  std::string sixty;
  for (int i = 0; i < kMaxRecommendationWords; ++i) sixty += "word ";
  CHECK(Kinds(sixty).empty());
  auto w = CheckRecommendation(sixty + "more");
  REQUIRE(w.size() == 1);
  CHECK(w[0].kind == K::kTooLong);
  CHECK(w[0].message.find("61 words") != std::string::npos);

  // Long and only about training: both warnings.
  CHECK(Kinds(sixty + "and training") == std::vector<K>{K::kTooLong, K::kOnlyTraining});
}

TEST_CASE("SCIE's three kinds of recommendation") {
  const auto& kinds = RecommendationKinds();
  REQUIRE(kinds.size() == 3);
  CHECK(kinds[0].kind == RecommendationKind::kClearCut);
  CHECK(kinds[0].text.find("clear cut solutions") != std::string_view::npos);
  CHECK(kinds[1].text.find("no easy answers") != std::string_view::npos);
  CHECK(kinds[2].text.find("national level") != std::string_view::npos);
  for (int i = 0; i < 3; ++i) CHECK(kinds[static_cast<size_t>(i)].number == i + 1);
  CHECK(DescribeRecommendationKind(RecommendationKind::kNeedsResearch).id == "needs_research");
}
