-- The avatar's URL: a ready media of the user's, which the tweet service (owner of media) checked
-- and keeps; stored here so every read of a user has it without asking the tweet service.
ALTER TABLE users ADD COLUMN avatar_url text;
