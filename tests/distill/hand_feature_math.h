// Feature-distillation quantities computed element by element in double
// precision, as independent references for the tests of feature_matching
// and of the TinyBERT and MiniLM losses.
#ifndef KDBENCH_TESTS_DISTILL_HAND_FEATURE_MATH_H_
#define KDBENCH_TESTS_DISTILL_HAND_FEATURE_MATH_H_

#include <torch/torch.h>

#include <cmath>
#include <vector>

namespace kdbench {

inline bool Real(const torch::Tensor& mask, int64_t b, int64_t t) {
  return mask[b][t].item<bool>();
}

// Mean of squared differences over real tokens and features: [b, t, w].
inline double HandMaskedMse(const torch::Tensor& s, const torch::Tensor& t,
                            const torch::Tensor& mask) {
  double sum = 0;
  int64_t count = 0;
  for (int64_t b = 0; b < s.size(0); ++b) {
    for (int64_t i = 0; i < s.size(1); ++i) {
      if (!Real(mask, b, i)) continue;
      for (int64_t w = 0; w < s.size(2); ++w) {
        const double d = s[b][i][w].item<double>() - t[b][i][w].item<double>();
        sum += d * d;
        ++count;
      }
    }
  }
  return sum / static_cast<double>(count);
}

// Mean of squared differences over heads and real (query, key) pairs: [b, h, t, t].
inline double HandPairMse(const torch::Tensor& s, const torch::Tensor& t,
                          const torch::Tensor& mask) {
  double sum = 0;
  int64_t count = 0;
  for (int64_t b = 0; b < s.size(0); ++b) {
    for (int64_t h = 0; h < s.size(1); ++h) {
      for (int64_t q = 0; q < s.size(2); ++q) {
        for (int64_t k = 0; k < s.size(3); ++k) {
          if (!Real(mask, b, q) || !Real(mask, b, k)) continue;
          const double d = s[b][h][q][k].item<double>() - t[b][h][q][k].item<double>();
          sum += d * d;
          ++count;
        }
      }
    }
  }
  return sum / static_cast<double>(count);
}

// Softmax over the real keys of one row of scores.
inline std::vector<double> HandRowSoftmax(const torch::Tensor& row, const torch::Tensor& mask,
                                          int64_t b) {
  std::vector<double> p(row.size(0), 0.0);
  double total = 0;
  for (int64_t k = 0; k < row.size(0); ++k) {
    if (Real(mask, b, k)) total += p[k] = std::exp(row[k].item<double>());
  }
  for (double& value : p) value /= total;
  return p;
}

// KL(teacher || student) per row over real keys, averaged over heads and
// real queries: scores [b, h, t, t].
inline double HandRowKl(const torch::Tensor& s, const torch::Tensor& t, const torch::Tensor& mask) {
  double sum = 0;
  int64_t rows = 0;
  for (int64_t b = 0; b < s.size(0); ++b) {
    for (int64_t h = 0; h < s.size(1); ++h) {
      for (int64_t q = 0; q < s.size(2); ++q) {
        if (!Real(mask, b, q)) continue;
        std::vector<double> ps = HandRowSoftmax(s[b][h][q], mask, b);
        std::vector<double> pt = HandRowSoftmax(t[b][h][q], mask, b);
        for (size_t k = 0; k < ps.size(); ++k) {
          if (pt[k] > 0) sum += pt[k] * std::log(pt[k] / ps[k]);
        }
        ++rows;
      }
    }
  }
  return sum / static_cast<double>(rows);
}

// V V^T / sqrt(d) for values [b, h, t, d], element by element.
inline torch::Tensor HandValueRelation(const torch::Tensor& v) {
  torch::Tensor out = torch::zeros({v.size(0), v.size(1), v.size(2), v.size(2)}, torch::kDouble);
  for (int64_t b = 0; b < v.size(0); ++b) {
    for (int64_t h = 0; h < v.size(1); ++h) {
      for (int64_t i = 0; i < v.size(2); ++i) {
        for (int64_t j = 0; j < v.size(2); ++j) {
          double dot = 0;
          for (int64_t d = 0; d < v.size(3); ++d) {
            dot += v[b][h][i][d].item<double>() * v[b][h][j][d].item<double>();
          }
          out[b][h][i][j] = dot / std::sqrt(static_cast<double>(v.size(3)));
        }
      }
    }
  }
  return out;
}

}  // namespace kdbench

#endif  // KDBENCH_TESTS_DISTILL_HAND_FEATURE_MATH_H_
