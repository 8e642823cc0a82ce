/* Status codes and the error context every fallible reuptake call fills.
 *
 * One X-macro list produces the enum and ru_strerror() (SUNDIALS sundials_errors.h pattern).
 * 0 is success; negative values are errors grouped by cause. The library never prints or
 * exits: a failing call returns its code and, when given an ru_error, a one-line human message
 * naming the bad part (the CLI prints that line and maps the code to an exit status). */
#ifndef RU_STATUS_H
#define RU_STATUS_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

#ifndef RU_API
#define RU_API __attribute__((visibility("default")))
#endif

/* name, value, message; errors caused by the caller's input are >= -19 (exit 2 in the CLI),
 * internal failures are <= -20 (exit 1). */
#define RU_STATUS_LIST(X)                                                        \
  X(RU_OK, 0, "success")                                                         \
  X(RU_EINVAL, -1, "invalid argument")                                           \
  X(RU_EPARSE, -2, "cannot parse input")                                         \
  X(RU_ENOTFOUND, -3, "not found")                                               \
  X(RU_EMISSING, -4, "a value the model needs is missing from the knowledge base") \
  X(RU_EUNITS, -5, "unknown or incompatible unit")                               \
  X(RU_EINPUT_IO, -6, "cannot read input file")                                  \
  X(RU_EDATA, -7, "malformed data file")                                         \
  X(RU_ERANGE, -8, "value out of range")                                         \
  X(RU_ELIMIT, -9, "a documented capacity limit was exceeded")                   \
  X(RU_EOUTPUT, -10, "cannot write the output file")                             \
  X(RU_ENOMEM, -20, "out of memory")                                             \
  X(RU_EIO, -21, "input/output error")                                           \
  X(RU_EDB, -22, "knowledge-base (SQLite) error")                                \
  X(RU_ESOLVER, -23, "ODE solver failure")                                       \
  X(RU_ENUMERIC, -24, "numerical failure")                                       \
  X(RU_EINTERRUPTED, -25, "interrupted")                                         \
  X(RU_EINTERNAL, -26, "internal error")

typedef enum ru_status_code {
#define RU_X_ENUM(name, value, msg) name = value,
  RU_STATUS_LIST(RU_X_ENUM)
#undef RU_X_ENUM
} ru_status_code;

/* Every fallible function returns this: RU_OK (0) or a negative ru_status_code. */
typedef int ru_status;

/* Carries the code and a one-line human message of the last failure. Caller-owned; may be
 * stack-allocated; pass NULL where the message is not wanted. */
#define RU_ERROR_MESSAGE_MAX 512
typedef struct ru_error {
  ru_status code;                         /* last status, RU_OK when clear */
  char message[RU_ERROR_MESSAGE_MAX];     /* one line, no trailing newline */
} ru_error;

/* Short static description of a code; never NULL. Cannot fail. */
RU_API const char *ru_strerror(ru_status code);

/* Clears err (code RU_OK, empty message). NULL-safe. */
RU_API void ru_error_clear(ru_error *err);

/* Formats a message into err (if non-NULL) and returns code, so callers can write
 * `return ru_error_set(err, RU_EINVAL, "dose '%s' ...", s);`. */
RU_API ru_status ru_error_set(ru_error *err, ru_status code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* 1 when the code is caused by the caller's input (CLI exit 2), 0 otherwise. */
RU_API int ru_status_is_input_error(ru_status code);

#ifdef __cplusplus
}
#endif
#endif /* RU_STATUS_H */
