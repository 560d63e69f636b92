"""What the episode page plays and reads: transcript cues, chapters, the embeddable player and oEmbed."""
