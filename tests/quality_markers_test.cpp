// The 18 SCR Quality Markers, and the full text held for markers 1, 7, 8 and 15.
#include <doctest/doctest.h>

#include <string>

#include "caseboard/domain/quality_markers.h"

using namespace caseboard::domain;

namespace {

bool AnyContains(const std::vector<std::string_view>& items, std::string_view needle) {
  for (auto s : items) {
    if (s.find(needle) != std::string_view::npos) return true;
  }
  return false;
}

}  // namespace

TEST_CASE("there are 18 markers, numbered in order, in three stages") {
  const auto& markers = QualityMarkers();
  REQUIRE(markers.size() == 18);
  for (size_t i = 0; i < markers.size(); ++i) {
    const QualityMarker& m = markers[i];
    CAPTURE(m.number);
    CHECK(m.number == static_cast<int>(i) + 1);
    CHECK_FALSE(m.title.empty());
    CHECK_FALSE(m.gist.empty());
    ReviewStage want = m.number <= 5    ? ReviewStage::kSetUp
                       : m.number <= 13 ? ReviewStage::kRunning
                                        : ReviewStage::kOutputs;
    CHECK(m.stage == want);
    bool full = m.number == 1 || m.number == 7 || m.number == 8 || m.number == 15;
    CHECK(m.has_full_text() == full);
    CHECK(m.questions.empty() == !full);
    CHECK(m.obstacles.empty() == !full);
  }
  CHECK(std::string(ReviewStageName(ReviewStage::kSetUp)) == "set-up");
}

TEST_CASE("FindMarker finds 1-18 and nothing else") {
  REQUIRE(FindMarker(1) != nullptr);
  CHECK(FindMarker(1)->title == "Referral");
  CHECK(FindMarker(12)->title == "Family involvement");
  CHECK(FindMarker(18)->title == "Implementation and evaluation");
  CHECK(FindMarker(0) == nullptr);
  CHECK(FindMarker(19) == nullptr);
  CHECK(FindMarker(-7) == nullptr);
  CHECK(FindMarker(18) == &QualityMarkers().back());  // the same immutable table every time
}

TEST_CASE("marker 1, Referral: rationale, statutory criteria or not, delays") {
  const QualityMarker* m = FindMarker(1);
  REQUIRE(m != nullptr);
  CHECK(m->quality_statement.find("appropriate rationale and in a timely manner") != std::string_view::npos);
  REQUIRE(m->questions.size() == 3);
  CHECK(m->questions[1].find("met the statutory criteria") != std::string_view::npos);
  CHECK(m->questions[2].find("delays") != std::string_view::npos);
  CHECK(m->obstacles.size() == 3);
}

TEST_CASE("marker 7, Governance: independence against ownership, and impasses") {
  const QualityMarker* m = FindMarker(7);
  REQUIRE(m != nullptr);
  CHECK(m->stage == ReviewStage::kRunning);
  REQUIRE(m->questions.size() == 5);
  CHECK(m->questions[4].find("impasses") != std::string_view::npos);
  CHECK(AnyContains(m->questions, "who is ultimately accountable"));
  CHECK(m->obstacles.size() == 6);
  CHECK(AnyContains(m->obstacles, "not personalised"));
}

TEST_CASE("marker 8, SCR management: plan, support, timeframes, delays, slack, capacity") {
  const QualityMarker* m = FindMarker(8);
  REQUIRE(m != nullptr);
  REQUIRE(m->questions.size() == 7);
  CHECK(m->questions[0].find("clear plan") != std::string_view::npos);
  CHECK(m->questions[5].find("slack") != std::string_view::npos);
  CHECK(m->questions[6].find("sufficient capacity") != std::string_view::npos);
  CHECK(m->obstacles.size() == 3);
}

TEST_CASE("marker 15, Improvement action: discussion before agreement, and change beyond training") {
  const QualityMarker* m = FindMarker(15);
  REQUIRE(m != nullptr);
  CHECK(m->stage == ReviewStage::kOutputs);
  REQUIRE(m->questions.size() == 5);
  CHECK(m->questions[2].find("extraordinary board meeting") != std::string_view::npos);
  CHECK(m->questions[4].find("legitimate to delay") != std::string_view::npos);
  CHECK(m->obstacles.size() == 6);
  CHECK(AnyContains(m->obstacles, "beyond training of frontline staff"));
}
