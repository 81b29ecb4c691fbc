#include "lib/util/runtime_environment.h"

#include <string>

#include "gtest/gtest.h"
#include "lib/util/device.h"

namespace kdbench {
namespace {

TEST(RuntimeEnvironmentTest, ConfigureThreadsSetsLibTorchThreads) {
  ASSERT_TRUE(ConfigureThreads(1).ok());
  EXPECT_EQ(DetectRuntimeEnvironment().threads, 1);
  ASSERT_TRUE(ConfigureThreads(2).ok());
  EXPECT_EQ(DetectRuntimeEnvironment().threads, 2);
}

TEST(RuntimeEnvironmentTest, RejectsZeroThreadsNamingFlag) {
  absl::Status status = ConfigureThreads(0);
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(status.message().find("--threads=0"), absl::string_view::npos);
}

TEST(RuntimeEnvironmentTest, FindsTheLoadedBlas) {
  // LibTorch links libblas.so.3, so some BLAS is always loaded here.
  BlasInfo blas = DetectBlas();
  EXPECT_FALSE(blas.library_path.empty());
  std::string line = FormatRuntimeEnvironment(DetectRuntimeEnvironment());
  EXPECT_NE(line.find("LibTorch "), std::string::npos) << line;
  EXPECT_NE(line.find("BLAS "), std::string::npos) << line;
}

TEST(RuntimeEnvironmentTest, WarnsOnlyForReferenceBlas) {
  BlasInfo reference;
  reference.kind = BlasKind::kReference;
  reference.library_path = "/usr/lib/x86_64-linux-gnu/blas/libblas.so.3";
  EXPECT_NE(BlasWarning(reference).find("REFERENCE BLAS"), std::string::npos);
  BlasInfo openblas;
  openblas.kind = BlasKind::kOpenBlas;
  EXPECT_EQ(BlasWarning(openblas), "");
}

TEST(OpenBlasCoreTypeTest, PicksFromInstructionSet) {
  EXPECT_EQ(OpenBlasCoreTypeForCpuFlags(
                "fpu sse2 avx avx2 fma avx512f avx512dq avx512bw avx512vl"),
            "SkylakeX");
  EXPECT_EQ(OpenBlasCoreTypeForCpuFlags("fpu sse2 avx avx2 fma avx512f"),
            "Haswell");
  EXPECT_EQ(OpenBlasCoreTypeForCpuFlags("fpu sse2 avx avx2"), "");
  // Whole flags only: "avx2_vnni" is not "avx2".
  EXPECT_EQ(OpenBlasCoreTypeForCpuFlags("fpu avx2_vnni fma"), "");
}

TEST(OpenBlasCoreTypeTest, FallbackOnlyMattersForOpenBlas) {
  BlasInfo reference;
  reference.kind = BlasKind::kReference;
  reference.details = "x Prescott y";
  EXPECT_FALSE(OpenBlasUsesFallbackKernels(reference));
  BlasInfo tuned;
  tuned.kind = BlasKind::kOpenBlas;
  tuned.details = "OpenBLAS 0.3.21 DYNAMIC_ARCH SkylakeX MAX_THREADS=64";
  EXPECT_FALSE(OpenBlasUsesFallbackKernels(tuned));
}

TEST(OpenBlasCoreTypeTest, PinsTheInstructionSetsCoreType) {
  const std::string avx512 = "fpu sse2 avx avx2 fma avx512f avx512dq avx512bw avx512vl avx512_bf16";
  const std::string avx2 = "fpu sse2 avx avx2 fma";
  BlasInfo openblas;
  openblas.kind = BlasKind::kOpenBlas;
  // What OpenBLAS 0.3.21 picks on an AMD EPYC with AVX-512: pinned.
  openblas.details =
      "OpenBLAS 0.3.21 NO_LAPACKE DYNAMIC_ARCH NO_AFFINITY USE_OPENMP Cooperlake MAX_THREADS=64";
  EXPECT_EQ(OpenBlasCoreTypeToPin(openblas, avx512), "SkylakeX");
  // Already the instruction set's core type, in any case: nothing to do.
  openblas.details = "OpenBLAS 0.3.21 DYNAMIC_ARCH USE_OPENMP SkylakeX MAX_THREADS=64";
  EXPECT_EQ(OpenBlasCoreTypeToPin(openblas, avx512), "");
  openblas.details = "OpenBLAS 0.3.21 DYNAMIC_ARCH USE_OPENMP HASWELL MAX_THREADS=64";
  EXPECT_EQ(OpenBlasCoreTypeToPin(openblas, avx2), "");
  // A word containing the name is not the name.
  openblas.details = "OpenBLAS 0.3.21 DYNAMIC_ARCH USE_OPENMP SkylakeXY MAX_THREADS=64";
  EXPECT_EQ(OpenBlasCoreTypeToPin(openblas, avx512), "SkylakeX");
  // The fallback and other AVX2 cores go to Haswell's kernels.
  openblas.details = "OpenBLAS 0.3.21 DYNAMIC_ARCH USE_OPENMP Prescott MAX_THREADS=64";
  EXPECT_EQ(OpenBlasCoreTypeToPin(openblas, avx2), "Haswell");
  openblas.details = "OpenBLAS 0.3.21 DYNAMIC_ARCH USE_OPENMP Zen MAX_THREADS=64";
  EXPECT_EQ(OpenBlasCoreTypeToPin(openblas, avx2), "Haswell");
  // No core type for the instruction set, or not OpenBLAS: left alone.
  EXPECT_EQ(OpenBlasCoreTypeToPin(openblas, "fpu sse2 avx"), "");
  BlasInfo reference;
  reference.kind = BlasKind::kReference;
  reference.details = "x Prescott y";
  EXPECT_EQ(OpenBlasCoreTypeToPin(reference, avx512), "");
}

TEST(DeviceTest, CpuAndAuto) {
  absl::StatusOr<c10::Device> cpu = ResolveDevice("cpu");
  ASSERT_TRUE(cpu.ok());
  EXPECT_TRUE(cpu->is_cpu());
  EXPECT_TRUE(ResolveDevice("auto").ok());
}

TEST(DeviceTest, UnknownNameListsKnownNames) {
  absl::StatusOr<c10::Device> device = ResolveDevice("tpu");
  EXPECT_EQ(device.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(device.status().message().find("auto, cpu, cuda"),
            absl::string_view::npos);
}

TEST(DeviceTest, BadCudaIndexIsAnError) {
  EXPECT_EQ(ResolveDevice("cuda:x").status().code(),
            absl::StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace kdbench
