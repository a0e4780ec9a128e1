// Helpers shared by the benchmarks in tools/bench: failing loudly (and
// cleaning the scratch folder), medians, and reading the process's memory.
#pragma once

#include <string>
#include <vector>

#include "caseboard/status.h"

namespace caseboard::bench {

// The program name for messages, and the scratch folder Die removes.
void SetProgram(const char* name);
extern std::string g_scratch;

[[noreturn]] void Die(const std::string& what);
void Must(const Status& s, const char* what);
template <typename T>
T Must(Result<T> r, const char* what) {
  if (!r.ok()) Die(std::string(what) + ": " + r.status().ToString());
  return std::move(r).value();
}

double Median(std::vector<double> v);

// A field of /proc/self/status in KiB (VmHWM: peak RSS, VmRSS: current); -1 if absent.
long ProcStatusKiB(const char* field);
// Resets VmHWM to the current RSS (Linux >= 4.0), so each stage's peak is its own.
bool ResetPeakRss();

}  // namespace caseboard::bench
