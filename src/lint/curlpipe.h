/* curlpipe.h - find a download run as code without verification, on the
 * shell model of a script (dockerfile/shell.h): lint's HS2008 reads a
 * Dockerfile's RUN with it, the image audit's HS4015 a history created_by.
 *
 * Caught (continuations and heredoc scripts are the shell model's business):
 *   curl ... | sh        wget -qO- ... | sudo bash -s -- -y
 *   curl ... | python3   curl ... | gunzip | perl       (any earlier command of the pipeline)
 *   bash <(curl ...)     sh -c "$(curl ...)"   python3 -c "$(wget -O- ...)"
 *   eval "$(curl ...)"   source <(curl ...)
 * The download is curl, wget or fetch (also busybox wget); the runner a
 * shell (sh, bash, dash, zsh, ksh, ash, mksh, busybox sh) or an interpreter
 * (python*, pypy*, perl, ruby, node, php) that reads its program from stdin
 * (no script operand, no -c/-e code, or "-" or /dev/stdin), or whose
 * program word is a substitution running the download.  A shell or
 * interpreter reading data from a pipe while its program comes from -c/-e
 * or a file (`curl api | python3 -c 'import json...'`) is not a hit;
 * neither is downloading to a file and running it.
 *
 * Pure: nothing allocates; hits point into the script. */
#ifndef HULL_LINT_CURLPIPE_H
#define HULL_LINT_CURLPIPE_H

#include <stdbool.h>

#include "dockerfile/shell.h"

struct hull_curlpipe_hit {
        const struct hull_sh_cmd *runner;   /* the shell, interpreter, eval or source (its
                                             * off is the hit's position) */
        const char *runner_name;            /* its name as run: "bash", "python3" */
        const struct hull_sh_cmd *download; /* the curl, wget or fetch command */
        const char *tool;                   /* "curl", "wget" or "fetch" */
        const struct hull_sh_word *url;     /* what it downloads: the first argument holding
                                             * "://", else the first expansion ($URL); NULL */
        bool piped;                         /* through a pipe (else run from a substitution) */
};

typedef void hull_curlpipe_fn(const struct hull_curlpipe_hit *hit, void *ud);

/* Call fn for each hit in sh, in command order (at most one per runner). */
void hull_curlpipe_find(const struct hull_sh_script *sh, hull_curlpipe_fn *fn, void *ud);

#endif
