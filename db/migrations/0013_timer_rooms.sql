-- ChargeClock schema, step 12: the treatment room a timer was started in (the workstation's
-- room, a setting of each workstation), so the lock screen can say where every running clock
-- is: "MQ · Room 2 · 97110 · PT 12:34". Not a billing fact: the audit's canonical rows leave it
-- out. '' for a timer started before this step or on a workstation with no room set.

ALTER TABLE timer_segments ADD COLUMN room TEXT NOT NULL DEFAULT '';
