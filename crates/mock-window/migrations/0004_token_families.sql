-- Token families: every token records the login it descends from (a random
-- id made at login and inherited by each refresh), so presenting a refresh
-- token that was already spent can revoke the whole family: whoever holds
-- the stolen copy and whoever holds the real one both have to log in again.
-- Tokens issued before this migration have no family; their reuse is
-- refused but revokes nothing else.
ALTER TABLE tokens ADD COLUMN family TEXT;
CREATE INDEX tokens_family ON tokens (family);
