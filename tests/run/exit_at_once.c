/* An init that exits at once, as a broken one does: the kernel then panics ("Attempted to kill
 * init!"), which `eifkit run` must report as "the application did not run". */
int main(void) {
  return 1;
}
