// The name a FileSystem request's (cwd, path) pair spells, joined lexically: what the process manager
// records for an open file or a new cwd, and what the checkpointer notes as changed.
// Above: procmgr/sys-file.ts, checkpointer/files.ts. Below: nothing.

/** Join a directory and a name lexically (the name is absolute or relative to dir); "." and ".." resolved, one "/" each. */
export const joinPath = (dir: string, path: string): string => {
  const parts: string[] = [];
  for (const x of (path.startsWith("/") ? path : `${dir}/${path}`).split("/")) {
    if (x === "" || x === ".") continue;
    if (x === "..") parts.pop();
    else parts.push(x);
  }
  return "/" + parts.join("/");
};
