// xdnd_drop: drops files onto an X11 window the way a file manager does,
// over the XDND protocol (version 5, freedesktop.org), so that the GUI tests
// can check drag-and-drop with real X events: xdotool moves the pointer and
// clicks, but cannot drag between programs.
//
//   xdnd_drop WINDOW-ID X Y FILE...
//
// X and Y are in the window's coordinates. The program acts as the drag
// source: it offers the files as text/uri-list, sends the target XdndEnter,
// XdndPosition and, once the target accepts, XdndDrop; then it hands over
// the list when the target asks for the selection, and waits for
// XdndFinished. It exits 0 if the target took the drop, else 1 saying why.
#include <X11/Xatom.h>
#include <X11/Xlib.h>
#include <poll.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>

namespace {

int Fail(const char* why) {
  std::fprintf(stderr, "xdnd_drop: %s\n", why);
  return 1;
}

// file:///path, with the bytes a URI cannot hold as they are written %XX.
std::string FileUri(const std::string& path) {
  std::string out = "file://";
  for (unsigned char c : path) {
    if (std::isalnum(c) || std::strchr("/-._~", c)) {
      out += static_cast<char>(c);
    } else {
      char buf[4];
      std::snprintf(buf, sizeof buf, "%%%02X", c);
      out += buf;
    }
  }
  return out;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 5) return Fail("usage: xdnd_drop WINDOW-ID X Y FILE...");
  Display* dpy = XOpenDisplay(nullptr);
  if (!dpy) return Fail("cannot open the display");
  Window target = std::strtoul(argv[1], nullptr, 0);
  int x = std::atoi(argv[2]), y = std::atoi(argv[3]);
  std::string list;
  for (int i = 4; i < argc; ++i) {
    char* real = realpath(argv[i], nullptr);
    list += FileUri(real ? real : argv[i]) + "\r\n";
    std::free(real);
  }

  Atom aware = XInternAtom(dpy, "XdndAware", False), selection = XInternAtom(dpy, "XdndSelection", False),
       enter = XInternAtom(dpy, "XdndEnter", False), position = XInternAtom(dpy, "XdndPosition", False),
       status = XInternAtom(dpy, "XdndStatus", False), drop = XInternAtom(dpy, "XdndDrop", False),
       finished = XInternAtom(dpy, "XdndFinished", False), copy = XInternAtom(dpy, "XdndActionCopy", False),
       uri_list = XInternAtom(dpy, "text/uri-list", False);

  // The target must say it takes drops, and which version it speaks.
  Atom type;
  int format;
  unsigned long count, after;
  unsigned char* data = nullptr;
  if (XGetWindowProperty(dpy, target, aware, 0, 1, False, XA_ATOM, &type, &format, &count, &after, &data) !=
          Success ||
      count == 0)
    return Fail("the window does not take drops (no XdndAware)");
  long version = std::min(5L, static_cast<long>(*reinterpret_cast<Atom*>(data)));
  XFree(data);

  Window source = XCreateSimpleWindow(dpy, DefaultRootWindow(dpy), 0, 0, 1, 1, 0, 0, 0);
  XSetSelectionOwner(dpy, selection, source, CurrentTime);
  int root_x = 0, root_y = 0;
  Window child;
  XTranslateCoordinates(dpy, target, DefaultRootWindow(dpy), x, y, &root_x, &root_y, &child);

  auto send = [&](Atom what, long l1, long l2, long l3, long l4) {
    XEvent e{};
    e.xclient.type = ClientMessage;
    e.xclient.display = dpy;
    e.xclient.window = target;
    e.xclient.message_type = what;
    e.xclient.format = 32;
    e.xclient.data.l[0] = static_cast<long>(source);
    e.xclient.data.l[1] = l1;
    e.xclient.data.l[2] = l2;
    e.xclient.data.l[3] = l3;
    e.xclient.data.l[4] = l4;
    XSendEvent(dpy, target, False, NoEventMask, &e);
    XFlush(dpy);
  };
  send(enter, version << 24, static_cast<long>(uri_list), 0, 0);
  send(position, 0, (root_x << 16) | root_y, CurrentTime, static_cast<long>(copy));

  bool accepted = false, dropped = false;
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (std::chrono::steady_clock::now() < deadline) {
    if (!XPending(dpy)) {
      pollfd p{ConnectionNumber(dpy), POLLIN, 0};
      poll(&p, 1, 100);
      continue;
    }
    XEvent e;
    XNextEvent(dpy, &e);
    if (e.type == ClientMessage && e.xclient.message_type == status) {
      accepted = (e.xclient.data.l[1] & 1) != 0;
      if (!accepted) return Fail("the window refused the drop");
      if (!dropped) {
        send(drop, 0, CurrentTime, 0, 0);
        dropped = true;
      }
    } else if (e.type == SelectionRequest) {
      // The target asks for the list: written to the property it names.
      XSelectionRequestEvent& r = e.xselectionrequest;
      XEvent reply{};
      reply.xselection.type = SelectionNotify;
      reply.xselection.requestor = r.requestor;
      reply.xselection.selection = r.selection;
      reply.xselection.target = r.target;
      reply.xselection.time = r.time;
      reply.xselection.property = None;
      if (r.target == uri_list) {
        XChangeProperty(dpy, r.requestor, r.property, uri_list, 8, PropModeReplace,
                        reinterpret_cast<const unsigned char*>(list.data()), static_cast<int>(list.size()));
        reply.xselection.property = r.property;
      }
      XSendEvent(dpy, r.requestor, False, NoEventMask, &reply);
      XFlush(dpy);
    } else if (e.type == ClientMessage && e.xclient.message_type == finished) {
      XCloseDisplay(dpy);
      return 0;
    }
  }
  return Fail(accepted ? "the window accepted but never finished the drop" : "the window never answered");
}
