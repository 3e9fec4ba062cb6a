//! The datasets: how source records become desired rows, and the earlier scripts' rules
//! (health score, alert classification) that decide their values.
