/* Status messages and the error context (include/reuptake/status.h). */
#include "reuptake/status.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

const char *ru_strerror(ru_status code) {
  switch (code) {
#define RU_X_CASE(name, value, msg) \
  case value:                       \
    return msg;
    RU_STATUS_LIST(RU_X_CASE)
#undef RU_X_CASE
  default:
    return "unknown status";
  }
}

void ru_error_clear(ru_error *err) {
  if (err != NULL) {
    err->code = RU_OK;
    err->message[0] = '\0';
  }
}

ru_status ru_error_set(ru_error *err, ru_status code, const char *fmt, ...) {
  if (err != NULL) {
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err->message, sizeof err->message, fmt, ap);
    va_end(ap);
    /* one line only: a message never carries a newline to the terminal */
    for (char *p = err->message; *p != '\0'; p++) {
      if (*p == '\n' || *p == '\r') {
        *p = ' ';
      }
    }
    err->code = code;
  }
  return code;
}

int ru_status_is_input_error(ru_status code) { return code < 0 && code > -20; }
