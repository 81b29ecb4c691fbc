// The suite's students, registered by name (student_registry.h).
#include "absl/strings/str_cat.h"
#include "lib/models/bilstm_student.h"
#include "lib/models/cnn_student.h"
#include "lib/models/naive_bayes_student.h"
#include "lib/models/ngram_logreg_student.h"
#include "lib/models/student_registry.h"
#include "lib/models/transformer_student.h"
#include "lib/util/status_macros.h"

namespace kdbench {
namespace {

absl::StatusOr<StudentPtr> MakeBiLstm(const StudentSpec& spec, BiLstmPooling pooling) {
  ASSIGN_OR_RETURN(StudentDims dims, StudentSizeDims(spec.size));
  return std::make_shared<BiLstmStudentImpl>(BiLstmStudentOptions(spec.vocab_size, spec.num_classes)
                                                 .embedding_dim(dims.embedding)
                                                 .hidden_size(dims.hidden)
                                                 .dropout(spec.dropout)
                                                 .padding_idx(spec.padding_idx)
                                                 .pooling(pooling)
                                                 .head_width(spec.head_width)
                                                 .recurrent_dropout(spec.recurrent_dropout));
}

absl::StatusOr<StudentPtr> MakeCnn(const StudentSpec& spec) {
  ASSIGN_OR_RETURN(StudentDims dims, StudentSizeDims(spec.size));
  // Kim's 100 filters per window width; fewer for the tiny size.
  return std::make_shared<CnnStudentImpl>(CnnStudentOptions(spec.vocab_size, spec.num_classes)
                                              .embedding_dim(dims.embedding)
                                              .filters(spec.size == "tiny" ? 32 : 100)
                                              .dropout(spec.dropout)
                                              .padding_idx(spec.padding_idx));
}

// The bag-of-n-gram students have one size: a linear model has no width to
// scale (the tiny size takes fewer bigram buckets).
int64_t BigramBuckets(const StudentSpec& spec) { return spec.size == "tiny" ? 1 << 12 : 1 << 18; }

absl::StatusOr<StudentPtr> MakeNgramLogreg(const StudentSpec& spec) {
  return std::make_shared<NgramLogregStudentImpl>(
      NgramLogregStudentOptions(spec.vocab_size, spec.num_classes)
          .bigram_buckets(BigramBuckets(spec))
          .padding_idx(spec.padding_idx));
}

absl::StatusOr<StudentPtr> MakeNaiveBayes(const StudentSpec& spec) {
  return std::make_shared<NaiveBayesStudentImpl>(
      NaiveBayesStudentOptions(spec.vocab_size, spec.num_classes)
          .bigram_buckets(BigramBuckets(spec))
          .padding_idx(spec.padding_idx));
}

absl::StatusOr<StudentPtr> MakeTransformer(const StudentSpec& spec) {
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

KDBENCH_REGISTER_STUDENT(
    "bilstm", [](const StudentSpec& spec) { return MakeBiLstm(spec, BiLstmPooling::kMax); },
    {.has_recurrence = true});
KDBENCH_REGISTER_STUDENT(
    "rnn", [](const StudentSpec& spec) { return MakeBiLstm(spec, BiLstmPooling::kLastState); },
    {.has_recurrence = true, .uses_word_tokens = true});
KDBENCH_REGISTER_STUDENT("cnn", MakeCnn);
KDBENCH_REGISTER_STUDENT("ngram-logreg", MakeNgramLogreg);
KDBENCH_REGISTER_STUDENT("naive-bayes", MakeNaiveBayes);
KDBENCH_REGISTER_STUDENT("transformer", MakeTransformer);

}  // namespace kdbench
