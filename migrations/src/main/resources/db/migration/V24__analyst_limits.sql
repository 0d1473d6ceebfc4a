-- Analyst hardening: a statement timeout, a connection limit, and no CREATE or TEMP anywhere,
-- instead of relying on PostgreSQL 15+ defaults (docs/ANALYSTS.md).
--
-- The group role `analyst` holds the policy, but PostgreSQL applies neither role settings
-- (ALTER ROLE ... SET) nor CONNECTION LIMIT through membership: each login needs its own. So the
-- policy lives on `analyst` and readside_create_analyst / readside_apply_analyst_limits copy it to
-- each analyst's login. Change it with ALTER ROLE analyst ... and then
-- SELECT readside_apply_analyst_limits(). Analysts' logins carry the comment 'readside analyst';
-- other members of `analyst` (the read API's login, whose pool needs more connections) are not touched.
ALTER ROLE analyst SET statement_timeout = '30s';
-- A session left in an open transaction holds back vacuum and the horizon; end it.
ALTER ROLE analyst SET idle_in_transaction_session_timeout = '5min';
ALTER ROLE analyst CONNECTION LIMIT 5;

-- Copies analyst's settings (server-wide ones, not per database) and connection limit to one login.
CREATE OR REPLACE FUNCTION public.readside_apply_analyst_limits_to(login name) RETURNS void
LANGUAGE plpgsql AS $$
DECLARE
  setting text;
  limit_count int;
BEGIN
  SELECT rolconnlimit INTO limit_count FROM pg_roles WHERE rolname = 'analyst';
  EXECUTE format('ALTER ROLE %I CONNECTION LIMIT %s', login, limit_count);
  FOR setting IN
    SELECT unnest(s.setconfig)
      FROM pg_db_role_setting s JOIN pg_roles r ON r.oid = s.setrole
     WHERE r.rolname = 'analyst' AND s.setdatabase = 0
  LOOP
    EXECUTE format('ALTER ROLE %I SET %I = %L', login, split_part(setting, '=', 1), substr(setting, strpos(setting, '=') + 1));
  END LOOP;
END
$$;

-- Creates an analyst's login with the analyst policy. Run by a database owner or superuser (the
-- caller's own rights: it needs CREATEROLE and admin of `analyst`).
CREATE OR REPLACE FUNCTION public.readside_create_analyst(login name, password text) RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
  EXECUTE format('CREATE ROLE %I LOGIN PASSWORD %L IN ROLE analyst', login, password);
  EXECUTE format('COMMENT ON ROLE %I IS %L', login, 'readside analyst');
  PERFORM public.readside_apply_analyst_limits_to(login);
END
$$;

-- Re-applies the policy to every analyst's login, e.g. after ALTER ROLE analyst SET statement_timeout.
-- A login this user may not alter (created by another admin) is skipped with a warning.
CREATE OR REPLACE FUNCTION public.readside_apply_analyst_limits() RETURNS int
LANGUAGE plpgsql AS $$
DECLARE
  member name;
  applied int := 0;
BEGIN
  FOR member IN
    SELECT r.rolname FROM pg_auth_members m
      JOIN pg_roles g ON g.oid = m.roleid AND g.rolname = 'analyst'
      JOIN pg_roles r ON r.oid = m.member
     WHERE r.rolcanlogin AND shobj_description(r.oid, 'pg_authid') = 'readside analyst'
  LOOP
    BEGIN
      PERFORM public.readside_apply_analyst_limits_to(member);
      applied := applied + 1;
    EXCEPTION WHEN insufficient_privilege THEN
      RAISE WARNING 'analyst limits not applied to %: %', member, SQLERRM;
    END;
  END LOOP;
  RETURN applied;
END
$$;

REVOKE ALL ON FUNCTION public.readside_apply_analyst_limits_to(name) FROM PUBLIC;
REVOKE ALL ON FUNCTION public.readside_create_analyst(name, text) FROM PUBLIC;
REVOKE ALL ON FUNCTION public.readside_apply_analyst_limits() FROM PUBLIC;

-- Logins made before this migration by CREATE ROLE ... IN ROLE analyst are left as they are (one
-- may be the read API's); docs/ANALYSTS.md says how to bring one under the policy.

-- No CREATE or TEMP. Privileges only add up, so analyst loses what PUBLIC grants only if PUBLIC
-- loses it. TEMP on the database is PUBLIC's by default: take it from PUBLIC and give it back
-- explicitly to this (migration) login, which `readside verify` uses for its temporary tables,
-- and to every other login that has it today through PUBLIC and is not an analyst, so nothing
-- else changes. A login created later that runs `readside verify` needs
-- GRANT TEMPORARY ON DATABASE <db> TO <login> (docs/ANALYSTS.md).
DO $$
DECLARE
  app name;
BEGIN
  EXECUTE format('REVOKE TEMPORARY ON DATABASE %I FROM PUBLIC', current_database());
  EXECUTE format('REVOKE CREATE, TEMPORARY ON DATABASE %I FROM analyst', current_database());
  EXECUTE format('GRANT TEMPORARY ON DATABASE %I TO %I', current_database(), current_user);
  FOR app IN
    SELECT r.rolname FROM pg_roles r
     WHERE r.rolcanlogin AND NOT r.rolsuper AND r.rolname <> current_user
       AND NOT pg_has_role(r.oid, 'analyst', 'MEMBER')
  LOOP
    EXECUTE format('GRANT TEMPORARY ON DATABASE %I TO %I', current_database(), app);
  END LOOP;
END
$$;

-- CREATE in public is PUBLIC's before PostgreSQL 15; read_model and readside_shadow already
-- revoke everything from PUBLIC (V7, V22). The migration login owns what it creates there.
REVOKE CREATE ON SCHEMA public FROM PUBLIC;
REVOKE CREATE ON SCHEMA public, read_model, readside_shadow FROM analyst;
