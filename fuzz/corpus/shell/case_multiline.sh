case $x in
  (a|b) echo ab ;;
  c) echo c ;&
  *)
    echo other
esac
