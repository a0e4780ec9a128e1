// init, invite, revoke, status: the operator's commands. They may run while
// the server does; the store serialises their writes with its own.
#include <algorithm>
#include <ctime>
#include <filesystem>
#include <iostream>

#include "commands.h"
#include "open_store.h"
#include "tls_material.h"

namespace caseboard::server::cli {

namespace {

const char kInitHelp[] =
    R"(usage: caseboard-server init --data DIR [--host NAME ...] [--url https://HOST:PORT]
                             [--database URL]

Creates a board in DIR (a new or empty folder, made private): its own CA and
a server certificate, the store, and board.json with the board's URL. Prints
an invite for the first device (the board's administrator) on stdout.

  --data DIR      the board's data folder
  --host NAME     a host name or IP address clients use to reach the board;
                  may repeat (localhost and 127.0.0.1 are always included,
                  and so is the host of --url)
  --url URL       the address invites send clients to (default
                  https://HOST:8443 with the first --host, else localhost)
  --database URL  sqlite:PATH, or a postgresql:// URL; default board.db in DIR
)";

const char kInviteHelp[] = R"(usage: caseboard-server invite --data DIR --name NAME [--database URL]

Prints a one-time invite for NAME on stdout. It enrols one device, once,
within 7 days: give it to that person over a channel you trust.
)";

const char kRevokeHelp[] = R"(usage: caseboard-server revoke --data DIR [--database URL] DEVICE

Refuses the device (its 32-hex id, as 'status' lists) from now on, on
connections already open too. Owners of its reviews see it in the board's
revoked list, so their clients can remove it.
)";

const char kStatusHelp[] = R"(usage: caseboard-server status --data DIR [--database URL]

Lists the devices, reviews (with change counts and sizes) and open invites.
Shows ids, names and sizes only: the board holds no content it can read.
)";

std::string FormatTime(uint64_t ms) {
  std::time_t secs = static_cast<std::time_t>(ms / 1000);
  std::tm tm{};
  gmtime_r(&secs, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%d %H:%MZ", &tm);
  return buf;
}

// The host part of https://HOST[:PORT][/...], brackets removed from an IPv6 address.
Result<std::string> UrlHost(const std::string& url) {
  constexpr std::string_view kScheme = "https://";
  if (url.rfind(kScheme, 0) != 0) return Status::InvalidArgument("--url must start with https://");
  std::string rest = url.substr(kScheme.size());
  rest = rest.substr(0, rest.find('/'));
  std::string host;
  if (!rest.empty() && rest[0] == '[') {
    size_t close = rest.find(']');
    if (close == std::string::npos) return Status::InvalidArgument("--url has an unclosed [");
    host = rest.substr(1, close - 1);
  } else {
    host = rest.substr(0, rest.find(':'));
  }
  if (host.empty()) return Status::InvalidArgument("--url has no host");
  return host;
}

Result<std::string> MakeInvite(OpenedBoard& b, const std::string& name) {
  CB_ASSIGN_OR_RETURN(std::string token, b.board->CreateInviteToken(name));
  sync::Invite invite;
  invite.url = b.config.url;
  invite.token = token;
  CB_ASSIGN_OR_RETURN(invite.ca_sha256, CertificateSha256(b.dir.ca_pem()));
  CB_ASSIGN_OR_RETURN(invite.key_sha256, PublicKeySha256(b.dir.server_pem()));
  return sync::EncodeInvite(invite);
}

int Init(const std::vector<std::string>& argv) {
  auto args = Args::Parse(argv, {"--data", "--host", "--url", "--database"});
  if (!args.ok()) return UsageError("init", args.status().message());
  auto data = args->Get("--data");
  if (!data) return UsageError("init", "--data DIR is required");
  if (!args->positional().empty()) return UsageError("init", "unexpected argument " + args->positional()[0]);
  std::vector<std::string> hosts = args->GetAll("--host");
  BoardConfig config;
  config.url = args->Get("--url").value_or("https://" + (hosts.empty() ? "localhost" : hosts[0]) + ":8443");
  config.database = args->Get("--database").value_or("");
  auto url_host = UrlHost(config.url);
  if (!url_host.ok()) return UsageError("init", url_host.status().message());
  if (Status s = CheckDatabaseUrl(config.database); !s.ok()) return UsageError("init", s.message());
  if (std::find(hosts.begin(), hosts.end(), *url_host) == hosts.end()) hosts.push_back(*url_host);

  DataDir dir(*data);
  bool existed = std::filesystem::exists(dir.path());
  if (Status s = dir.Create(); !s.ok()) return Fail(s);
  auto init = [&]() -> Result<std::string> {
    CB_ASSIGN_OR_RETURN(auto store, OpenStore(config.database, dir, /*create=*/true));
    CB_RETURN_IF_ERROR(CreateTlsMaterial({dir.ca_pem(), dir.server_pem(), dir.server_key()}, hosts));
    CB_RETURN_IF_ERROR(dir.WriteConfig(config));
    OpenedBoard b{dir, config, std::make_unique<Board>(std::move(store))};
    return MakeInvite(b, "admin");
  };
  auto invite = init();
  if (!invite.ok()) {
    // Leave no half-made board behind: init can then simply be run again.
    std::error_code ec;
    for (const std::string& f : {dir.config(), dir.ca_pem(), dir.server_pem(), dir.server_key(),
                                 dir.sqlite_db(), dir.sqlite_db() + "-wal", dir.sqlite_db() + "-shm"})
      std::filesystem::remove(f, ec);
    if (!existed) std::filesystem::remove(dir.path(), ec);
    return Fail(invite.status());
  }
  std::cerr << "caseboard-server: board created in " << dir.path() << " for " << config.url
            << ".\nThe invite below enrols the first device, once, within 7 days:\n";
  std::cout << *invite << "\n";
  return kExitOk;
}

int Invite(const std::vector<std::string>& argv) {
  auto args = Args::Parse(argv, {"--data", "--name", "--database"});
  if (!args.ok()) return UsageError("invite", args.status().message());
  auto name = args->Get("--name");
  if (!args->Get("--data") || !name) return UsageError("invite", "--data DIR and --name NAME are required");
  if (!args->positional().empty())
    return UsageError("invite", "unexpected argument " + args->positional()[0]);
  auto b = OpenBoard(*args);
  if (!b.ok()) return Fail(b.status());
  auto invite = MakeInvite(*b, *name);
  if (!invite.ok()) return Fail(invite.status());
  std::cout << *invite << "\n";
  return kExitOk;
}

int Revoke(const std::vector<std::string>& argv) {
  auto args = Args::Parse(argv, {"--data", "--database"});
  if (!args.ok()) return UsageError("revoke", args.status().message());
  if (!args->Get("--data") || args->positional().size() != 1)
    return UsageError("revoke", "give --data DIR and one DEVICE id");
  auto b = OpenBoard(*args);
  if (!b.ok()) return Fail(b.status());
  const std::string& device = args->positional()[0];
  if (Status s = b->board->Revoke(device); !s.ok()) return Fail(s);
  std::cout << "revoked " << device << "\n";
  return kExitOk;
}

int StatusCommand(const std::vector<std::string>& argv) {
  auto args = Args::Parse(argv, {"--data", "--database"});
  if (!args.ok()) return UsageError("status", args.status().message());
  if (!args->Get("--data")) return UsageError("status", "--data DIR is required");
  auto b = OpenBoard(*args);
  if (!b.ok()) return Fail(b.status());
  ServerStore& store = b->board->store();
  auto devices = store.ListDevices();
  auto reviews = devices.ok() ? store.ListReviews() : Result<std::vector<ReviewRecord>>(devices.status());
  auto invites = reviews.ok() ? store.ListInvites() : Result<std::vector<InviteRecord>>(reviews.status());
  if (!invites.ok()) return Fail(invites.status());
  uint64_t now = b->board->NowMs();

  std::cout << "board    " << b->config.url << "\nstore    " << store.Describe() << "\n";
  size_t revoked = 0;
  for (const auto& d : *devices) revoked += d.revoked();
  std::cout << "devices  " << devices->size() << " (" << revoked << " revoked)\n";
  for (const auto& d : *devices) {
    std::cout << "  " << d.id << "  " << d.name << "  enrolled " << FormatTime(d.enrolled_ms) << " (invite "
              << d.invite << ")";
    if (d.revoked()) std::cout << "  REVOKED " << FormatTime(d.revoked_ms);
    std::cout << "\n";
  }
  std::cout << "reviews  " << reviews->size() << "\n";
  for (const auto& r : *reviews)
    std::cout << "  " << r.id << "  " << r.head << " changes, " << r.bytes << " bytes, since "
              << FormatTime(r.created_ms) << "\n";
  size_t open = 0;
  for (const auto& i : *invites) open += i.used_by.empty() && i.expires_ms > now;
  std::cout << "invites  " << open << " open\n";
  for (const auto& i : *invites)
    if (i.used_by.empty() && i.expires_ms > now)
      std::cout << "  " << i.name << "  expires " << FormatTime(i.expires_ms) << "\n";
  return kExitOk;
}

}  // namespace

Result<OpenedBoard> OpenBoard(const Args& args, size_t connections) {
  OpenedBoard b;
  b.dir = DataDir(*args.Get("--data"));
  CB_ASSIGN_OR_RETURN(b.config, b.dir.ReadConfig());
  if (auto database = args.Get("--database")) b.config.database = *database;
  CB_ASSIGN_OR_RETURN(auto store, OpenStore(b.config.database, b.dir, /*create=*/false, connections));
  b.board = std::make_unique<Board>(std::move(store));
  return b;
}

void AddAdminCommands(std::vector<Command>& out) {
  out.push_back({"init", "create a board: its CA, certificate, store and first invite", kInitHelp, Init});
  out.push_back({"invite", "print a one-time invite for a new device", kInviteHelp, Invite});
  out.push_back({"revoke", "refuse a device from now on", kRevokeHelp, Revoke});
  out.push_back({"status", "list devices, reviews and open invites", kStatusHelp, StatusCommand});
}

}  // namespace caseboard::server::cli
