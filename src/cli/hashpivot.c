/*
 * hashpivot.c - the hashpivot binary: the front end of src/cli/main.c.
 */
#include "cli.h"

int main(int argc, char **argv)
{
	return cli_run(argc, argv);
}
