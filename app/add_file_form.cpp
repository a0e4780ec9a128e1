// The Files tab's "Add a file" form: a path typed (or files dropped onto the
// window), and the record the file belongs to, if any.
//
// The file is read, hashed, sealed and stored on a worker (file_job.h), so
// a long recording does not freeze the window: the App shows the job's
// progress, with Cancel, until it ends. Either all of the file ends up in
// the vault (and in the record, if one was chosen), or nothing: the vault
// drops the pieces of a file whose reading fails or is cancelled, and the
// attachment is deleted again if it cannot be added to the record.
#include <fcntl.h>
#include <imgui.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cctype>
#include <cerrno>
#include <cstring>
#include <deque>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "app.h"
#include "caseboard/crypto/secure_bytes.h"
#include "string_input.h"
#include "theme_colors.h"

namespace caseboard::app {
namespace {

std::string path_input;
std::string chosen;  // the entity of the record chosen to hold the file; "" for none
std::string add_message;
bool add_failed = false;

// Files dropped onto the window, added one after another.
std::deque<std::string> drops;
size_t drops_total = 0, drops_added = 0;
bool drop_in_flight = false;  // a job was started for one of them
std::string drop_failures;

// A media type from the name, so another program (and the view) knows what
// it is; the vault stores whatever it is given.
std::string MediaTypeFor(const std::string& name) {
  static const std::map<std::string, std::string> kTypes = {
      {"txt", "text/plain"},
      {"md", "text/markdown"},
      {"csv", "text/csv"},
      {"pdf", "application/pdf"},
      {"rtf", "application/rtf"},
      {"doc", "application/msword"},
      {"docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document"},
      {"odt", "application/vnd.oasis.opendocument.text"},
      {"xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"},
      {"eml", "message/rfc822"},
      {"jpg", "image/jpeg"},
      {"jpeg", "image/jpeg"},
      {"png", "image/png"},
      {"mp3", "audio/mpeg"},
      {"m4a", "audio/mp4"},
      {"wav", "audio/wav"},
      {"ogg", "audio/ogg"},
      {"mp4", "video/mp4"},
      {"mov", "video/quicktime"}};
  size_t dot = name.rfind('.');
  if (dot == std::string::npos) return "application/octet-stream";
  std::string ext = name.substr(dot + 1);
  for (auto& c : ext) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  auto it = kTypes.find(ext);
  return it == kTypes.end() ? "application/octet-stream" : it->second;
}

// What to do once the job has added the file (on the UI thread): put it in
// the chosen record, and say what happened.
struct AfterAdd {
  std::string name;
  int64_t size = 0;
  std::optional<FileTarget> target;
};

void Finish(App& app, const AfterAdd& after, Result<std::string> id) {
  add_failed = true;
  if (!id.ok()) {
    add_message = "Could not add " + after.name + ": " + id.status().message();
    return;
  }
  review::Replica& r = *app.open_review();
  if (after.target) {
    Status s = r.AddToSet(after.target->entity, after.target->field, *id);
    if (!s.ok()) {
      r.DeleteEntity(*id).ok();
      add_message = "Could not add " + after.name + " to " + after.target->label + ": " + s.message() +
                    ". Nothing was added.";
      return;
    }
  }
  add_failed = false;
  add_message = "Added " + after.name + " (" + HumanSize(after.size) + ")" +
                (after.target ? " to " + after.target->label : "") +
                ". It is encrypted in this vault; the file on this computer is unchanged.";
}

// Checks the path and starts the job. False (with add_message saying why)
// if the file cannot be read; the job's own outcome comes later (Finish).
bool AddFile(App& app, const std::string& raw_path, const FileTarget* target) {
  std::string path = CleanTypedPath(raw_path);
  add_failed = true;
  if (path.empty()) {
    add_message = "Type the path of a file on this computer, or drop the file onto this window.";
    return false;
  }
  struct stat st;
  if (stat(path.c_str(), &st) != 0) {
    add_message = errno == ENOENT ? "There is no file at " + path + ". Check the spelling and the folder."
                                  : "Caseboard cannot look at " + path + ": " + std::strerror(errno) + ".";
    return false;
  }
  if (S_ISDIR(st.st_mode)) {
    add_message = path + " is a folder. Choose a file inside it.";
    return false;
  }
  if (!S_ISREG(st.st_mode)) {
    add_message = path + " is not an ordinary file, so it cannot be added.";
    return false;
  }
  int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    add_message = errno == EACCES
                      ? "This computer does not let Caseboard read " + path + " (permission denied)."
                      : "Caseboard cannot read " + path + ": " + std::strerror(errno) + ".";
    return false;
  }
  AfterAdd after{path.substr(path.rfind('/') + 1), static_cast<int64_t>(st.st_size), std::nullopt};
  if (target) after.target = *target;
  std::optional<std::string> compartment;
  if (target) compartment = target->compartment;
  std::string why = app.StartFileJob(
      fd, after.name, MediaTypeFor(after.name), compartment, static_cast<uint64_t>(st.st_size),
      [after](App& a, Result<std::string> id) { Finish(a, after, std::move(id)); });
  if (!why.empty()) {
    add_message = "Could not add " + after.name + ": " + why;
    return false;
  }
  add_message.clear();
  return true;
}

const FileTarget* Chosen(const std::vector<FileTarget>& targets) {
  for (const auto& t : targets)
    if (t.entity == chosen) return &t;
  return nullptr;
}

// One dropped file at a time: the next starts once the last has ended, and
// the form says how the whole drop went.
void TakeDrops(App& app, const std::vector<FileTarget>& targets) {
  if (app.has_dropped_files()) {
    if (drops_total == 0) drops_added = 0, drop_failures.clear();
    for (auto& p : app.TakeDroppedFiles()) {
      drops.push_back(std::move(p));
      ++drops_total;
    }
  }
  if (drops_total == 0 || app.file_job_busy()) return;
  if (drop_in_flight) {  // its job has ended, and Finish has said how
    drop_in_flight = false;
    if (add_failed)
      drop_failures += (drop_failures.empty() ? "" : " ") + add_message;
    else
      ++drops_added;
  }
  while (!drops.empty()) {
    std::string next = std::move(drops.front());
    drops.pop_front();
    if (AddFile(app, next, Chosen(targets))) {
      drop_in_flight = true;
      return;
    }
    drop_failures += (drop_failures.empty() ? "" : " ") + add_message;
  }
  if (drops_total > 1 || !drop_failures.empty()) {
    add_failed = !drop_failures.empty();
    add_message = std::to_string(drops_added) + " of " + std::to_string(drops_total) +
                  " dropped files added." + (drop_failures.empty() ? "" : " " + drop_failures);
  }
  drops_total = 0;
}

}  // namespace

void ForgetAddFileForm() {
  crypto::Wipe(path_input.data(), path_input.size());
  path_input.clear();
  path_input.shrink_to_fit();
  chosen.clear();
  add_message.clear();
  add_failed = false;
  drops.clear();
  drops_total = drops_added = 0;
  drop_in_flight = false;
  drop_failures.clear();
}

void DrawAddFileForm(App& app, const std::vector<FileTarget>& targets) {
  TakeDrops(app, targets);
  ImGui::TextUnformatted("Add a file from this computer");
  ImGui::SetNextItemWidth(-230);
  bool enter = ImGui::InputTextWithHint(
      "##path", "/home/you/Documents/agency-report.pdf", path_input.data(), path_input.capacity() + 1,
      ImGuiInputTextFlags_CallbackResize | ImGuiInputTextFlags_EnterReturnsTrue, ResizeString, &path_input);
  ImGui::SameLine();
  const FileTarget* target = Chosen(targets);
  if (ImGui::Button("Add file", ImVec2(-1, 0)) || enter) {
    if (AddFile(app, path_input, target)) path_input.clear();
  }
  ImGui::AlignTextToFramePadding();
  ImGui::TextUnformatted("Part of");
  ImGui::SameLine();
  ImGui::SetNextItemWidth(420);
  const char* preview = target ? target->label.c_str() : "No record (just the review)";
  if (ImGui::BeginCombo("##target", preview)) {
    if (ImGui::Selectable("No record (just the review)", target == nullptr)) chosen.clear();
    for (size_t i = 0; i < targets.size(); ++i) {
      ImGui::PushID(static_cast<int>(i));
      std::string label = targets[i].label;
      if (targets[i].compartment != "general") label += "  [" + targets[i].compartment + "]";
      if (ImGui::Selectable(label.c_str(), target == &targets[i])) chosen = targets[i].entity;
      ImGui::PopID();
    }
    ImGui::EndCombo();
  }
  ImGui::SameLine();
  if (target && target->compartment != "general")
    ImGui::TextColored(kRestrictedColor, "Goes in the %s compartment, like its record.",
                       target->compartment.c_str());
  else
    ImGui::TextDisabled("You can also drop files onto this window.");
  if (!add_message.empty()) {
    if (add_failed) ImGui::PushStyleColor(ImGuiCol_Text, kInvalidColor);
    ImGui::TextWrapped("%s", add_message.c_str());
    if (add_failed) ImGui::PopStyleColor();
  }
}

void DrawFileJobScreen(App& app) {
  const FileJob& job = app.file_job();
  ImGui::Spacing();
  ImGui::Text("Adding %s to the review", job.name().c_str());
  ImGui::Spacing();
  float fraction =
      job.total() > 0 ? static_cast<float>(static_cast<double>(job.done()) / static_cast<double>(job.total()))
                      : 0.0f;
  std::string text =
      HumanSize(static_cast<int64_t>(job.done())) + " of " + HumanSize(static_cast<int64_t>(job.total()));
  ImGui::ProgressBar(fraction, ImVec2(ImGui::GetFontSize() * 28, 0), text.c_str());
  ImGui::Spacing();
  ImGui::TextDisabled(
      "It is read, encrypted and stored in this vault; the file on this computer is unchanged.");
  ImGui::Spacing();
  if (job.cancelling()) {
    ImGui::BeginDisabled();
    ImGui::Button("Stopping...");
    ImGui::EndDisabled();
  } else if (ImGui::Button("Cancel")) {
    app.CancelFileJob();
  }
}

}  // namespace caseboard::app
