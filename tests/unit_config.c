/* unit_config.c - the configuration file parser: key = value lines from
 * memory and from a file, comments, blank and CRLF lines, size suffixes,
 * range checks, error messages with file:line, lines longer than any
 * fixed buffer, and files the parser must refuse (NUL bytes, missing). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "t.h"
#include "config.h"

TEST(test_string_ok)
{
    Config c;
    char err[256] = "";
    config_defaults(&c);
    CHECK_INT(config_load_string(&c, "# comment\n\n  port = 9090  \r\nthreads=3\nmax_upload = 5M\n"
                                     "site_url = https://hdnd.example.vn/\nmax_form=64k",
                                 "t.conf", err, sizeof err), 0);
    CHECK_INT(c.port, 9090);
    CHECK_INT(c.threads, 3);
    CHECK_INT(c.max_upload, 5 * 1024 * 1024);
    CHECK_INT(c.max_form, 64 * 1024);
    CHECK_STR(c.site_url, "https://hdnd.example.vn");
    free((char *)c.site_url); /* configuration strings are kept for the process's life */
    CHECK_INT(config_load_string(&c, NULL, NULL, err, sizeof err), 0);
    CHECK_INT(config_load_string(&c, "", NULL, err, sizeof err), 0);
}

/* The two thread counts: the handlers' workers and libmicrohttpd's own
 * (http_pool.h), each with its range. */
TEST(test_thread_counts)
{
    Config c;
    char err[256] = "";
    config_defaults(&c);
    CHECK(c.threads >= 8);
    CHECK(c.io_threads >= 1 && c.io_threads <= 64);
    CHECK_INT(config_load_string(&c, "threads = 12\nio_threads = 3\n", "t.conf", err, sizeof err), 0);
    CHECK_INT(c.threads, 12);
    CHECK_INT(c.io_threads, 3);
    CHECK(config_load_string(&c, "io_threads = 0\n", "t.conf", err, sizeof err) != 0);
    CHECK_CONTAINS(err, "io_threads");
    CHECK(config_load_string(&c, "io_threads = 65\n", "t.conf", err, sizeof err) != 0);
    CHECK_INT(c.io_threads, 3);
}

TEST(test_string_errors)
{
    Config c;
    char err[256];
    config_defaults(&c);
    CHECK_INT(config_load_string(&c, "port = 80\nport = 99999\n", "t.conf", err, sizeof err), -1);
    CHECK_STR(err, "t.conf:2: bad value for 'port': '99999'");
    CHECK_INT(c.port, 80);
    CHECK_INT(config_load_string(&c, "\n\njust words\n", "t.conf", err, sizeof err), -1);
    CHECK_STR(err, "t.conf:3: expected 'key = value'");
    CHECK_INT(config_load_string(&c, "colour = blue", "t.conf", err, sizeof err), -1);
    CHECK_STR(err, "t.conf:1: unknown setting 'colour'");
    CHECK_INT(config_load_string(&c, "max_upload = -5M", "x", err, sizeof err), -1);
    CHECK_INT(config_load_string(&c, "max_upload = 2T", "x", err, sizeof err), -1);
    CHECK_INT(config_load_string(&c, "site_url = ftp://x", "x", err, sizeof err), -1);
    CHECK_INT(config_load_string(&c, "site_url = http://", "x", err, sizeof err), -1);
    CHECK_INT(config_load_string(&c, "site_url = https:///path", "x", err, sizeof err), -1);
    /* the petitions' retention period: days, 0 = only on request, never negative */
    CHECK_INT(c.petition_retention_days, 1825);
    CHECK_INT(config_load_string(&c, "petition_retention_days = -1", "x", err, sizeof err), -1);
    CHECK_INT(config_load_string(&c, "petition_retention_days = năm năm", "x", err, sizeof err), -1);
    CHECK_INT(c.petition_retention_days, 1825);
    CHECK_INT(config_load_string(&c, "petition_retention_days = 0", "x", err, sizeof err), 0);
    CHECK_INT(c.petition_retention_days, 0);
}

/* A line longer than the old 1 KiB fgets buffer is one line, not two. */
TEST(test_long_line)
{
    Config c;
    char err[256] = "";
    config_defaults(&c);
    size_t n = 5000;
    char *text = malloc(n + 32);
    strcpy(text, "db = ");
    memset(text + 5, 'a', n);
    strcpy(text + 5 + n, "\nport = 81\n");
    CHECK_INT(config_load_string(&c, text, "t.conf", err, sizeof err), 0);
    CHECK_INT(strlen(c.db_path), n);
    CHECK_INT(c.port, 81);
    free((char *)c.db_path);
    free(text);
}

TEST(test_file)
{
    Config c;
    char err[256] = "", path[] = "/tmp/unit_config_XXXXXX";
    config_defaults(&c);
    int fd = mkstemp(path);
    CHECK(fd >= 0);
    if (fd < 0) return;
    const char ok[] = "port = 8181\nthreads = 2\n";
    CHECK_INT(write(fd, ok, sizeof ok - 1), (long long)(sizeof ok - 1));
    CHECK_INT(config_load_file(&c, path, err, sizeof err), 0);
    CHECK_INT(c.port, 8181);
    CHECK_INT(c.threads, 2);
    /* a NUL byte would silently hide the rest of the line: refused */
    CHECK_INT(ftruncate(fd, 0), 0);
    CHECK_INT(pwrite(fd, "port = 1\0", 9, 0), 9);
    CHECK_INT(config_load_file(&c, path, err, sizeof err), -1);
    CHECK_CONTAINS(err, "NUL");
    close(fd);
    unlink(path);
    CHECK_INT(config_load_file(&c, path, err, sizeof err), -1);
    CHECK_CONTAINS(err, path);
}

int main(void)
{
    t_prog = "unit_config";
    RUN(test_string_ok);
    RUN(test_thread_counts);
    RUN(test_string_errors);
    RUN(test_long_line);
    RUN(test_file);
    return t_done();
}
