/* dump.h - BuildKit's parser test dump of a parsed Dockerfile.
 *
 * One line per instruction: "(" + lowercased command, flags as a %q list,
 * ONBUILD's inner instruction, each value Go-quoted + ")\n", exactly as
 * BuildKit's Node.Dump() and its testfiles/<case>/result. */
#ifndef HULL_DOCKERFILE_DUMP_H
#define HULL_DOCKERFILE_DUMP_H

#include "basic/buf.h"
#include "dockerfile/ast.h"

int hull_df_dump_node(struct hull_buf *b, const struct hull_df_node *node);
int hull_df_dump(struct hull_buf *b, const struct hull_dockerfile *df);

#endif
