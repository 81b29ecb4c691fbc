#include "lib/experiment/grid_spec.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace kdbench {
namespace {

using ::testing::HasSubstr;

absl::StatusOr<std::vector<GridCell>> Expand(const std::string& text,
                                             std::vector<uint64_t> seeds = {1}) {
  absl::StatusOr<GridSpec> spec = ParseGridSpec(text, "grids/t.toml");
  if (!spec.ok()) return spec.status();
  return ExpandGrid(*spec, {"spamassassin", "fortunes"}, seeds);
}

constexpr char kTable5[] = R"(table = "5"
title = "t"
[axes]
teacher = "base"
student = ["rnn", "bilstm"]
method = ["none", "soft+repr", "teacher"]
labels = "all"

[[exclude]]
student = "rnn"
method = ["soft+repr", "teacher"]
)";

TEST(GridSpecTest, TransferAxisSetsEachDistilledCellsTransferSet) {
  absl::StatusOr<std::vector<GridCell>> cells = Expand(R"(table = "transfer"
title = "t"
[axes]
dataset = "spamassassin"
teacher = "large"
method = ["none", "hard"]
labels = 100
transfer = [1000, "all"]

[[exclude]]
method = "hard"
transfer = "all"
)");
  ASSERT_TRUE(cells.ok()) << cells.status();
  std::vector<std::string> names;
  for (const GridCell& cell : *cells) names.push_back(cell.Name());
  // "none" learns from no transfer set: one cell over the axis.
  EXPECT_EQ(names, (std::vector<std::string>{
                       "spamassassin/large/bilstm/none/joint/labels:100/seed:1",
                       "spamassassin/large/bilstm/hard/joint/labels:100/transfer:1000/seed:1",
                   }));
  EXPECT_EQ((*cells)[0].transfer, kProfileTransfer);
  EXPECT_EQ((*cells)[1].transfer, 1000);
  // Without the axis, cells keep the profile's.
  absl::StatusOr<std::vector<GridCell>> plain = Expand(kTable5);
  ASSERT_TRUE(plain.ok());
  for (const GridCell& cell : *plain) EXPECT_EQ(cell.transfer, kProfileTransfer);

  absl::StatusOr<std::vector<GridCell>> zero = Expand(R"(table = "t"
title = "t"
[axes]
teacher = "large"
method = "hard"
transfer = [0]
)");
  ASSERT_FALSE(zero.ok());
  EXPECT_THAT(std::string(zero.status().message()),
              HasSubstr("'transfer' has value '0'; allowed: \"all\" or a positive number"));
}

TEST(GridSpecTest, ExpandsTheProductMinusExclusionsInAFixedOrder) {
  absl::StatusOr<std::vector<GridCell>> cells = Expand(kTable5, {1, 2});
  ASSERT_TRUE(cells.ok()) << cells.status();
  std::vector<std::string> names;
  for (const GridCell& cell : *cells) names.push_back(cell.Name());
  // rnn keeps only "none"; the teacher cell appears once per dataset and
  // seed although two students would produce it.
  EXPECT_EQ(names, (std::vector<std::string>{
                       "spamassassin/base/rnn/none/joint/labels:all/seed:1",
                       "spamassassin/base/rnn/none/joint/labels:all/seed:2",
                       "spamassassin/base/bilstm/none/joint/labels:all/seed:1",
                       "spamassassin/base/bilstm/none/joint/labels:all/seed:2",
                       "spamassassin/base/bilstm/soft+repr/joint/labels:all/seed:1",
                       "spamassassin/base/bilstm/soft+repr/joint/labels:all/seed:2",
                       "spamassassin/base/teacher/labels:all/seed:1",
                       "spamassassin/base/teacher/labels:all/seed:2",
                       "fortunes/base/rnn/none/joint/labels:all/seed:1",
                       "fortunes/base/rnn/none/joint/labels:all/seed:2",
                       "fortunes/base/bilstm/none/joint/labels:all/seed:1",
                       "fortunes/base/bilstm/none/joint/labels:all/seed:2",
                       "fortunes/base/bilstm/soft+repr/joint/labels:all/seed:1",
                       "fortunes/base/bilstm/soft+repr/joint/labels:all/seed:2",
                       "fortunes/base/teacher/labels:all/seed:1",
                       "fortunes/base/teacher/labels:all/seed:2",
                   }));
}

TEST(GridSpecTest, ReadsEveryAxisAndNumericBudgets) {
  absl::StatusOr<GridSpec> spec = ParseGridSpec(R"(table = "12"
title = "schedules"
description = "d"
[axes]
dataset = "fortunes"
teacher = ["large"]
method = "soft+repr"
schedule = ["joint", "stagewise", "distil-once"]
labels = [100, "all"]
seed = [3, 4]
)",
                                                "grids/table12.toml");
  ASSERT_TRUE(spec.ok()) << spec.status();
  EXPECT_EQ(spec->id, "table12");
  EXPECT_EQ(spec->table, "12");
  EXPECT_EQ(spec->labels_per_class, (std::vector<int64_t>{100, 0}));
  EXPECT_EQ(spec->seeds, (std::vector<uint64_t>{3, 4}));
  absl::StatusOr<std::vector<GridCell>> cells = ExpandGrid(*spec, {"spamassassin"}, {1});
  ASSERT_TRUE(cells.ok()) << cells.status();
  EXPECT_EQ(cells->size(), 3u * 2u * 2u);
  EXPECT_EQ(cells->front().dataset, "fortunes");  // the grid's own axis wins
  EXPECT_EQ(cells->front().seed, 3u);
}

// "1,2,...,n," for a TOML array.
std::string NumberList(int n) {
  std::string values;
  for (int i = 1; i <= n; ++i) values += std::to_string(i) + ",";
  return values;
}

struct BadGrid {
  std::string text;
  std::string message;
};

class GridSpecErrorTest : public ::testing::TestWithParam<BadGrid> {};

TEST_P(GridSpecErrorTest, NamesFileLineAndWhatIsAllowed) {
  absl::StatusOr<std::vector<GridCell>> cells = Expand(GetParam().text);
  ASSERT_FALSE(cells.ok());
  EXPECT_EQ(cells.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(cells.status().message()), HasSubstr(GetParam().message));
}

INSTANTIATE_TEST_SUITE_P(
    Typos, GridSpecErrorTest,
    ::testing::Values(
        BadGrid{"table = \"8\"\ntitle = \"t\"\n[axes]\nteacher = \"large\"\nmethod = \"sofft\"\n",
                "grids/t.toml:5: 'method' has value 'sofft': unknown; known: none, hard, soft, "
                "soft+repr, kl"},
        BadGrid{"table = \"8\"\ntitle = \"t\"\n[axes]\nteacher = \"large\"\nmethod = \"kl(T=hot)\"\n",
                "grids/t.toml:5: 'method' has value 'kl(T=hot)': 'T=hot' is not key=number"},
        BadGrid{"table = \"8\"\ntitle = \"t\"\n[axes]\nteacher = \"large\"\nmethod = \"soft(T=2)\"\n",
                "grids/t.toml:5: 'method' has value 'soft(T=2)': method \"soft\" has no parameter "
                "\"T\"; it takes: none"},
        BadGrid{"table = \"8\"\ntitle = \"t\"\n[axes]\nteacher = \"huge\"\nmethod = \"hard\"\n",
                "grids/t.toml:4: teacher 'huge': unknown role 'huge'; allowed: a role (base, large, "
                "base-in-domain, large-in-domain) "
                "or roles joined by '+'"},
        BadGrid{"table = \"8\"\ntitle = \"t\"\n[axes]\nteacher = \"large>large\"\n"
                "method = \"soft\"\n",
                "grids/t.toml:4: teacher 'large>large': a teacher-assistant chain is two "
                "different roles (base, large, base-in-domain, large-in-domain) joined by '>', the teacher first: large>base"},
        BadGrid{"table = \"8\"\ntitle = \"t\"\n[axes]\nteacher = \"large>base>base\"\n"
                "method = \"soft\"\n",
                "teacher 'large>base>base': a teacher-assistant chain is two different roles"},
        BadGrid{"table = \"8\"\ntitle = \"t\"\n[axes]\nteacher = \"base+large(loud)\"\n"
                "method = \"soft\"\n",
                "grids/t.toml:4: teacher 'base+large(loud)': unknown weighting 'loud'"},
        BadGrid{"table = \"8\"\ntitle = \"t\"\n[axes]\nteacher = \"base+large\"\n"
                "method = [\"soft\", \"teacher\"]\n",
                "cell spamassassin/base+large/teacher/labels:all/seed:1: method \"teacher\" reports "
                "one fine-tuned teacher; an ensemble or a chain is a teacher for students only"},
        BadGrid{"table = \"8\"\ntitle = \"t\"\n[axes]\nteacher = \"large\"\nmethod = \"hard\"\n"
                "methods = \"soft\"\n",
                "grids/t.toml:6: unknown key 'methods' in [axes]; allowed: dataset, teacher, "
                "student, method, schedule, labels, transfer, seed"},
        BadGrid{"table = \"8\"\ntitel = \"t\"\n", "grids/t.toml:2: unknown key 'titel' in the grid"},
        BadGrid{"table = \"8\"\ntitle = \"t\"\n[axes]\nteacher = \"large\"\nmethod = \"hard\"\n"
                "labels = \"many\"\n",
                "'labels' has value 'many'; allowed: \"all\" or a positive number"},
        // The error names the axis's own line, not the [axes] header's.
        BadGrid{"table = \"8\"\ntitle = \"t\"\n[axes]\nteacher = \"large\"\nmethod = \"hard\"\n"
                "labels = \"al\"\n",
                "grids/t.toml:6: 'labels' has value 'al'"},
        BadGrid{"table = \"8\"\ntitle = \"t\"\n[axes]\nteacher = \"large\"\nmethod = \"hard\"\n"
                "dataset = \"imbd\"\n",
                "grids/t.toml:6: 'dataset' has unknown value 'imbd'"},
        BadGrid{"table = \"8\"\ntitle = \"t\"\n[axes]\nteacher = \"large\"\nmethod = \"none\"\n"
                "schedule = \"stagewise\"\n",
                "cell spamassassin/large/bilstm/none/stagewise/labels:all/seed:1"},
        BadGrid{"table = \"8\"\ntitle = \"t\"\n[axes]\nteacher = \"large\"\nmethod = \"hard\"\n"
                "[[exclude]]\nmethod = \"hrad\"\n",
                "grids/t.toml:7: 'method' has value 'hrad': unknown"},
        BadGrid{"table = \"8\"\ntitle = \"t\"\n[axes]\nteacher = \"large\"\nmethod = \"hard\"\n"
                "[[exclude]]\nmethod = \"hard\"\n",
                "the exclusions remove every cell"},
        BadGrid{"table = \"8\"\ntitle = \"t\"\n[axes\n", "grids/t.toml:3:"},
        BadGrid{"title = \"t\"\n[axes]\nteacher = \"large\"\nmethod = \"hard\"\n",
                "the required key 'table' is missing"},
        // Found by the grid_spec fuzzer: toml++ 3.3 has undefined behaviour
        // on such characters outside strings; they are refused first.
        BadGrid{"table = \"8\"\n  \xef\xbb\xb0 = 1\n",
                "grids/t.toml:2:3: a character beyond ASCII outside a string or comment"},
        BadGrid{"table = \"8\"\ntitle = \"t\" \xc3\xa9\n", "grids/t.toml:2:13: a character beyond ASCII"},
        // 2 datasets x 1000 labels x 1000 seeds would be two million cells.
        BadGrid{"table = \"8\"\ntitle = \"t\"\n[axes]\nteacher = \"large\"\nmethod = \"hard\"\n"
                "labels = [" + NumberList(1000) + "]\nseed = [" + NumberList(1000) + "]\n",
                "grids/t.toml: the axes multiply to 2e+06 cells; at most 100000 are allowed"}));

TEST(GridSpecTest, CharactersBeyondAsciiAreFineInStringsAndComments) {
  absl::StatusOr<std::vector<GridCell>> cells = Expand(
      "table = \"8 \\\" \xef\xbb\xb0\"  # caf\xc3\xa9\n"
      "title = '''lit \xc3\xa9'''\n"
      "description = \"\"\"multi \xe2\x80\x94\nline\"\"\"\"\n"
      "[axes]\nteacher = \"large\"\nmethod = \"hard\"\n");
  ASSERT_TRUE(cells.ok()) << cells.status();
  EXPECT_EQ(cells->size(), 2u);
  absl::StatusOr<GridSpec> spec = ParseGridSpec(
      "table = \"8\"\ntitle = '''lit \xc3\xa9 \\ \" \xf0\x9f\x98\x80'''\n"
      "description = \"a\\t\xef\xbb\xb0\"\n[axes]\nteacher = \"large\"\nmethod = \"hard\"\n",
      "t.toml");
  ASSERT_TRUE(spec.ok()) << spec.status();
  EXPECT_EQ(spec->title, "lit \xc3\xa9 \\ \" \xf0\x9f\x98\x80");
  EXPECT_EQ(spec->description, "a\t\xef\xbb\xb0");
}

TEST(GridSpecTest, InvalidUtf8IsAnErrorNamingTheLine) {
  absl::StatusOr<GridSpec> spec = ParseGridSpec("table = \"8\"\ntitle = \"\xff\"\n", "t.toml");
  ASSERT_FALSE(spec.ok());
  EXPECT_EQ(spec.status().message(), "t.toml:2: invalid UTF-8 (TOML files are UTF-8)");
}

}  // namespace
}  // namespace kdbench

namespace kdbench {
namespace {

TEST(CellTeacherTest, OneParserForSingleEnsembleAndChain) {
  absl::StatusOr<CellTeacher> single = ParseCellTeacher("large-in-domain");
  ASSERT_TRUE(single.ok()) << single.status();
  EXPECT_EQ(single->kind, CellTeacher::Kind::kSingle);
  EXPECT_EQ(single->settings_role(), "large-in-domain");
  EXPECT_EQ(single->weighting, "");

  absl::StatusOr<CellTeacher> ensemble = ParseCellTeacher("base+large(confidence)");
  ASSERT_TRUE(ensemble.ok()) << ensemble.status();
  EXPECT_EQ(ensemble->kind, CellTeacher::Kind::kEnsemble);
  EXPECT_EQ(ensemble->roles, (std::vector<std::string>{"base", "large"}));
  EXPECT_EQ(ensemble->settings_role(), "base");
  EXPECT_EQ(ensemble->weighting, "confidence");
  EXPECT_EQ(ParseCellTeacher("base+large(weights=0.25:0.75)")->weighting, "weights=0.25:0.75");
  EXPECT_EQ(ParseCellTeacher("large+base")->weighting, "");

  absl::StatusOr<CellTeacher> chain = ParseCellTeacher("large>base");
  ASSERT_TRUE(chain.ok()) << chain.status();
  EXPECT_EQ(chain->kind, CellTeacher::Kind::kChain);
  EXPECT_EQ(chain->roles, (std::vector<std::string>{"large", "base"}));
  EXPECT_EQ(chain->settings_role(), "base");  // the assistant's

  EXPECT_FALSE(ParseCellTeacher("huge").ok());
  EXPECT_FALSE(ParseCellTeacher("base+base").ok());
  EXPECT_FALSE(ParseCellTeacher("large>base>base").ok());
  EXPECT_FALSE(ParseCellTeacher("base+large(loudest)").ok());
}

}  // namespace
}  // namespace kdbench
