package io.readside.ops;

/** What a node runs. WRITE and PROJECTION are Pekko cluster roles; READ_API needs no cluster. */
public enum Role {
  WRITE("write"),
  PROJECTION("projection"),
  READ_API(null);

  final String clusterRole;

  Role(String clusterRole) {
    this.clusterRole = clusterRole;
  }
}
