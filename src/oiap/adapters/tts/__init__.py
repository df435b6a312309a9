"""Speech engines behind ``oiap.services.tts.SpeechEngine``; libespeak-ng is the default."""
