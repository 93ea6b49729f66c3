"""KTGS: kiểm tra, giám sát và thi hành kỷ luật đảng."""
