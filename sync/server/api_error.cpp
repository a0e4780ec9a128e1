#include "api_error.h"

namespace caseboard::server {

ApiError ApiError::FromStatus(const Status& s) {
  ApiError e;
  switch (s.code()) {
    case Status::Code::kBusy:
      e = Make(503, "internal", "the board is busy; try again");
      break;
    default:
      e = Internal("the board could not complete the request; its operator can see why in the log");
      break;
  }
  e.detail = s.ToString();
  return e;
}

}  // namespace caseboard::server
