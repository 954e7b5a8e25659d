/* What the enclave's /init reads before it starts the application: /cmd and /env (one entry
 * per line, as every compatible init reads them) and eifkit's optional extras beside them,
 * /workdir and /user. Pure parsing, built into the init and into the unit tests. */
#ifndef EIFKIT_INIT_CONFIG_H
#define EIFKIT_INIT_CONFIG_H

#include <stddef.h>
#include <sys/types.h>

#ifdef __cplusplus
extern "C" {
#endif

/* A NULL-terminated vector of strings, owned. */
struct string_list {
  char** items;
  size_t count;
};

/* Splits `len` bytes into lines: each '\n' ends an entry; a last line without '\n' still
 * counts; empty lines are kept as empty entries except a lone final newline. Returns 0, or -1
 * when out of memory. */
int parse_lines(const char* data, size_t len, struct string_list* out);
void free_string_list(struct string_list* list);

/* "UID:GID" in decimal, as eifkit writes it after resolving the image's USER against its
 * /etc/passwd and /etc/group at build time; "UID" alone means GID 0, as Docker does for a
 * user not in /etc/passwd. Returns 0, or -1 when malformed. */
int parse_user(const char* text, uid_t* uid, gid_t* gid);

/* The first line of a one-line file (workdir), without its newline; NULL for empty input. */
char* first_line(const char* data, size_t len);

#ifdef __cplusplus
}
#endif

#endif
