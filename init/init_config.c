#include "init_config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

int parse_lines(const char* data, size_t len, struct string_list* out) {
  size_t lines = 0;
  for (size_t i = 0; i < len; ++i) lines += data[i] == '\n';
  if (len > 0 && data[len - 1] != '\n') ++lines;
  out->items = calloc(lines + 1, sizeof(char*));
  out->count = 0;
  if (!out->items) return -1;
  size_t start = 0;
  for (size_t i = 0; i <= len; ++i) {
    if (i < len && data[i] != '\n') continue;
    if (i == len && start == len) break; /* no unterminated last line */
    size_t n = i - start;
    char* item = malloc(n + 1);
    if (!item) {
      free_string_list(out);
      return -1;
    }
    memcpy(item, data + start, n);
    item[n] = '\0';
    out->items[out->count++] = item;
    start = i + 1;
  }
  return 0;
}

void free_string_list(struct string_list* list) {
  if (!list->items) return;
  for (size_t i = 0; i < list->count; ++i) free(list->items[i]);
  free(list->items);
  list->items = NULL;
  list->count = 0;
}

static int parse_id(const char* s, const char* end, unsigned long* out) {
  if (s == end) return -1;
  unsigned long v = 0;
  for (const char* p = s; p < end; ++p) {
    if (*p < '0' || *p > '9') return -1;
    v = v * 10 + (unsigned long)(*p - '0');
    if (v > 0xffffffffUL) return -1;
  }
  *out = v;
  return 0;
}

int parse_user(const char* text, uid_t* uid, gid_t* gid) {
  size_t len = strlen(text);
  while (len > 0 && (text[len - 1] == '\n' || text[len - 1] == ' ')) --len;
  const char* end = text + len;
  const char* colon = memchr(text, ':', len);
  unsigned long u = 0, g = 0;
  if (parse_id(text, colon ? colon : end, &u) != 0) return -1;
  if (colon && parse_id(colon + 1, end, &g) != 0) return -1;
  *uid = (uid_t)u;
  *gid = (gid_t)g;
  return 0;
}

char* first_line(const char* data, size_t len) {
  size_t n = 0;
  while (n < len && data[n] != '\n') ++n;
  if (n == 0) return NULL;
  char* line = malloc(n + 1);
  if (!line) return NULL;
  memcpy(line, data, n);
  line[n] = '\0';
  return line;
}
