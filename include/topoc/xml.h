/* xml.h - writing XML documents (libxml2's writer stays behind xml.c).
 * Elements nest with xml_start/xml_end; xml_finish closes what is open
 * and appends the document (UTF-8, two-space indent) to out.  Text and
 * attribute values are escaped by libxml2. */
#ifndef TOPOC_XML_H
#define TOPOC_XML_H

#include <stdbool.h>

#include "topoc/strbuf.h"

typedef struct XmlOut XmlOut;

XmlOut *xml_new(bool declaration, bool indent);
void xml_start(XmlOut *x, const char *element);
void xml_attr(XmlOut *x, const char *name, const char *value);
void xml_attr_int(XmlOut *x, const char *name, long long value);
void xml_text(XmlOut *x, const char *text);
void xml_end(XmlOut *x);
/* Close everything, append the document to out, free x. */
void xml_finish(XmlOut *x, Strbuf *out);

#endif
