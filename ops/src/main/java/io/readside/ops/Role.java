package io.readside.ops;

/**
 * What a node runs. WRITE and PROJECTION are Pekko cluster roles; ADMIN joins the cluster (it
 * tells running projection instances what to do) without a role; READ_API needs no cluster.
 */
public enum Role {
  WRITE("write", true),
  PROJECTION("projection", true),
  ADMIN(null, true),
  READ_API(null, false);

  final String clusterRole;
  final boolean clustered;

  Role(String clusterRole, boolean clustered) {
    this.clusterRole = clusterRole;
    this.clustered = clustered;
  }
}
