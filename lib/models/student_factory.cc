#include "lib/models/student_factory.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "lib/models/bilstm_student.h"
#include "lib/models/cnn_student.h"
#include "lib/models/naive_bayes_student.h"
#include "lib/models/ngram_logreg_student.h"
#include "lib/models/transformer_student.h"

namespace kdbench {
namespace {

struct SizeDims {
  int64_t embedding, hidden;
};

absl::StatusOr<SizeDims> Dims(const std::string& size) {
  if (size == "tiny") return SizeDims{32, 32};
  if (size == "mini") return SizeDims{128, 128};
  if (size == "paper") return SizeDims{300, 600};
  return absl::InvalidArgumentError(
      absl::StrCat("--student_size=", size, ": unknown; known: ",
                   absl::StrJoin(KnownStudentSizes(), ", ")));
}

absl::StatusOr<StudentPtr> MakeTransformerStudent(const StudentSpec& spec) {
  BertConfig encoder;
  encoder.vocab_size = spec.vocab_size;
  encoder.max_position_embeddings = spec.max_positions;
  if (spec.size == "tiny") {
    encoder.num_hidden_layers = 1, encoder.hidden_size = 32, encoder.num_attention_heads = 2;
  } else if (spec.size == "mini") {
    encoder.num_hidden_layers = 2, encoder.hidden_size = 128, encoder.num_attention_heads = 4;
  } else {
    encoder.num_hidden_layers = 6, encoder.hidden_size = 384, encoder.num_attention_heads = 12;
  }
  if (spec.attention_heads > 0) encoder.num_attention_heads = spec.attention_heads;
  encoder.intermediate_size = 4 * encoder.hidden_size;
  if (encoder.hidden_size % encoder.num_attention_heads != 0) {
    return absl::InvalidArgumentError(absl::StrCat(
        "--student=transformer --student_size=", spec.size, ": its width ", encoder.hidden_size,
        " does not split into ", encoder.num_attention_heads, " attention heads (the teacher's)"));
  }
  if (spec.cls_id < 0 || spec.sep_id < 0 || spec.max_positions < 3) {
    return absl::InvalidArgumentError(
        "--student=transformer needs a vocabulary with [CLS] and [SEP] and at least 3 positions");
  }
  return std::make_shared<TransformerStudentImpl>(
      TransformerStudentOptions(encoder, spec.num_classes)
          .cls_id(spec.cls_id)
          .sep_id(spec.sep_id)
          .padding_idx(spec.padding_idx));
}

}  // namespace

std::vector<std::string> KnownStudentSizes() { return {"tiny", "mini", "paper"}; }

std::string KnownStudents() {
  return "bilstm, rnn, cnn, ngram-logreg, naive-bayes, transformer";
}

bool StudentUsesWordTokens(const std::string& architecture) { return architecture == "rnn"; }

bool StudentHasRecurrence(const std::string& architecture) {
  return architecture == "bilstm" || architecture == "rnn";
}

absl::StatusOr<StudentPtr> MakeStudent(const StudentSpec& spec) {
  if (spec.vocab_size <= 0 || spec.num_classes < 2) {
    return absl::InvalidArgumentError(absl::StrCat("student: needs a vocabulary (got ",
                                                   spec.vocab_size, ") and at least 2 classes (got ",
                                                   spec.num_classes, ")"));
  }
  if (!(spec.recurrent_dropout >= 0 && spec.recurrent_dropout < 1)) {
    return absl::InvalidArgumentError(absl::StrCat(
        "student: recurrent_dropout must lie in [0, 1), got ", spec.recurrent_dropout));
  }
  absl::StatusOr<SizeDims> dims = Dims(spec.size);
  if (!dims.ok()) return dims.status();
  if (StudentHasRecurrence(spec.architecture)) {
    return std::make_shared<BiLstmStudentImpl>(
        BiLstmStudentOptions(spec.vocab_size, spec.num_classes)
            .embedding_dim(dims->embedding)
            .hidden_size(dims->hidden)
            .dropout(spec.dropout)
            .padding_idx(spec.padding_idx)
            .pooling(spec.architecture == "rnn" ? BiLstmPooling::kLastState : BiLstmPooling::kMax)
            .head_width(spec.head_width)
            .recurrent_dropout(spec.recurrent_dropout));
  }
  if (spec.recurrent_dropout > 0) {
    return absl::InvalidArgumentError(absl::StrCat(
        "recurrent dropout exists for the bilstm and rnn students only, not --student=",
        spec.architecture));
  }
  if (spec.head_width > 0) {
    return absl::InvalidArgumentError(absl::StrCat(
        "the shared Dense(gelu) head exists for the bilstm student only, not --student=",
        spec.architecture));
  }
  if (spec.architecture == "cnn") {
    // Kim's 100 filters per window width; fewer for the tiny size.
    return std::make_shared<CnnStudentImpl>(CnnStudentOptions(spec.vocab_size, spec.num_classes)
                                                .embedding_dim(dims->embedding)
                                                .filters(spec.size == "tiny" ? 32 : 100)
                                                .dropout(spec.dropout)
                                                .padding_idx(spec.padding_idx));
  }
  if (spec.architecture == "ngram-logreg") {
    // One size: a linear model has no width to scale (the tiny profile
    // takes fewer bigram buckets).
    return std::make_shared<NgramLogregStudentImpl>(
        NgramLogregStudentOptions(spec.vocab_size, spec.num_classes)
            .bigram_buckets(spec.size == "tiny" ? 1 << 12 : 1 << 18)
            .padding_idx(spec.padding_idx));
  }
  if (spec.architecture == "transformer") return MakeTransformerStudent(spec);
  if (spec.architecture == "naive-bayes") {
    return std::make_shared<NaiveBayesStudentImpl>(
        NaiveBayesStudentOptions(spec.vocab_size, spec.num_classes)
            .bigram_buckets(spec.size == "tiny" ? 1 << 12 : 1 << 18)
            .padding_idx(spec.padding_idx));
  }
  return absl::InvalidArgumentError(
      absl::StrCat("--student=", spec.architecture, ": unknown; known: ", KnownStudents()));
}

}  // namespace kdbench
