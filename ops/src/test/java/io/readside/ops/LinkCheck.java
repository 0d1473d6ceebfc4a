package io.readside.ops;

import java.util.ArrayList;
import java.util.List;

/**
 * Run with the production jar on the class path (ProductionJarIT): loads, verifies and initialises
 * each named class, as the JVM does when a node first uses it. The jar leaves scala-reflect's macro
 * API out; a class that still names it must link without it, or the first node to use the class
 * would fail with NoClassDefFoundError or VerifyError. Prints each failure, exits 1 if any.
 */
public final class LinkCheck {
  private LinkCheck() {}

  public static void main(String[] classNames) {
    List<String> failures = new ArrayList<>();
    for (String name : classNames) {
      try {
        Class.forName(name, true, LinkCheck.class.getClassLoader());
      } catch (LinkageError | ClassNotFoundException e) {
        failures.add(name + ": " + e);
      }
    }
    failures.forEach(System.out::println);
    System.out.println("linked " + (classNames.length - failures.size()) + " of " + classNames.length);
    System.exit(failures.isEmpty() ? 0 : 1);
  }
}
