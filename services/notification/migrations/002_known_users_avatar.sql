-- Notification actors carry the avatar: user.updated names it (null for none), and the directory
-- keeps it with the rest of the profile (the highest profile_version wins, as for the handle).
ALTER TABLE known_users ADD COLUMN avatar_url text;
